const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(-)?((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parses a duration such as `30s`, `1h30m`, `500ms` or `-2h` into milliseconds; undefined when malformed.
 * Units: ms, s, m, h, d. A leading `-` is allowed only when `allowNegative` is set.
 */
export function parseDuration(text: string, allowNegative = false): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  if (match[1] && !allowNegative) return undefined;
  let total = 0;
  for (const [, amount, unit] of match[2].matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return match[1] ? -total : total;
}

/** Formats milliseconds the way scenarios write them (`90s`, `3m`, `1h`). */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms !== 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms !== 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
