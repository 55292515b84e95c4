const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [3_600_000, 60_000, 1_000, 1] as const;
const UNIT_NAMES = ['h', 'm', 's', 'ms'] as const;

/** The units {@link parseDuration} accepts, largest first, for messages. */
export const DURATION_UNITS = 'h, m, s, ms';

/**
 * Parses a duration such as `30s`, `5m`, `1h`, `1500ms` or `1m30s` into milliseconds. Units are `h`, `m`, `s` and
 * `ms`, each at most once and largest first. Returns `undefined` for anything else, including a bare number and a
 * value too large to count exactly.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === '') return undefined;
  let total = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const digits = match[i + 1];
    if (digits !== undefined) total += Number(digits) * UNIT_MS[i];
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Writes milliseconds the way {@link parseDuration} reads them: `90000` → `1m30s`, `0` → `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) return `${ms}ms`;
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (let i = 0; i < UNIT_MS.length; i++) {
    const count = Math.floor(rest / UNIT_MS[i]);
    rest -= count * UNIT_MS[i];
    if (count > 0) text += `${count}${UNIT_NAMES[i]}`;
  }
  return text;
}
