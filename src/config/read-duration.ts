import { DURATION_UNITS, formatDuration, parseDuration } from './duration.ts';
import type { ProblemSink } from './problems.ts';
import { reportSetting, showSetting } from './setting.ts';
import type { Setting } from './setting.ts';

/** Bounds of a duration setting, in milliseconds (the minimum is inclusive; 0 is never accepted). */
export interface DurationLimits {
  min: number;
  max: number;
}

/** The longest interval or timeout: one day, well inside what timers can hold. */
export const MAX_DURATION_MS = 24 * 3_600_000;

const MILLISECONDS = /^\d+$/;

/**
 * Reads a duration setting: text such as `30s` from the file, whole milliseconds from an environment variable.
 * Returns `fallback` when unset and `undefined` after reporting a value that cannot be used.
 */
export function readDuration(
  setting: Setting | undefined,
  fallback: number,
  limits: DurationLimits,
  sink: ProblemSink,
): number | undefined {
  if (setting === undefined) return fallback;
  if (typeof setting.raw !== 'string') return undefined;
  const ms = setting.variable === undefined ? parseDuration(setting.raw) : parseMilliseconds(setting.raw);
  if (ms === undefined) {
    reportSetting(sink, setting, unparsableMessage(setting));
    return undefined;
  }
  const outOfRange = rangeProblem(ms, limits);
  if (outOfRange !== undefined) {
    reportSetting(sink, setting, `${showSetting(setting)} ${outOfRange}`);
    return undefined;
  }
  return ms;
}

function parseMilliseconds(text: string): number | undefined {
  if (!MILLISECONDS.test(text)) return undefined;
  const ms = Number(text);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function unparsableMessage(setting: Setting): string {
  const shown = showSetting(setting);
  if (setting.variable !== undefined) return `${shown} is not a whole number of milliseconds`;
  const example = 'write a duration such as "30s", "5m" or "1m30s"';
  if (MILLISECONDS.test(String(setting.raw))) return `${shown} has no unit; ${example} (units: ${DURATION_UNITS})`;
  return `${shown} is not a duration; ${example} (units: ${DURATION_UNITS})`;
}

function rangeProblem(ms: number, limits: DurationLimits): string | undefined {
  if (ms === 0) return 'must be greater than 0';
  if (ms < limits.min) return `is below the minimum of ${formatDuration(limits.min)}`;
  if (ms > limits.max) return `is above the maximum of ${formatDuration(limits.max)}`;
  return undefined;
}
