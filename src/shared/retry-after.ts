/**
 * The longest wait a `Retry-After` is obeyed for: one hour, the longest window of Graph's request budget (a
 * throttled tenant has its whole hourly allowance back by then). Graph asks for seconds; a week, or a date next
 * year, is a broken or hostile answer, and a wait past Node's timer limit would even become a 1 ms one.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** A `Retry-After` read as a wait: what was asked, and what is waited (at most {@link MAX_RETRY_AFTER_MS}). */
export interface RetryAfterWait {
  readonly askedMs: number;
  readonly waitMs: number;
  readonly capped: boolean;
}

/** {@link parseRetryAfter}, capped at {@link MAX_RETRY_AFTER_MS}, saying whether it was. */
export function readRetryAfter(header: string | null | undefined, now: number): RetryAfterWait | undefined {
  const askedMs = parseRetryAfter(header, now);
  if (askedMs === undefined) return undefined;
  return { askedMs, waitMs: Math.min(askedMs, MAX_RETRY_AFTER_MS), capped: askedMs > MAX_RETRY_AFTER_MS };
}

/**
 * Parses a `Retry-After` header: seconds (possibly fractional, as Graph sends `2.128`) or an HTTP date.
 * Returns milliseconds to wait from `now`, or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with jitter: a random delay in [d/2, d] where d = min(cap, base·2^attempt). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
