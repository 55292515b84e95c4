import { formatDuration } from './duration.ts';
import type { ProblemSink } from './problems.ts';
import { reportSetting } from './setting.ts';
import type { Setting } from './setting.ts';

/** A resolved duration and, when it is not set right there, where it comes from: `defaults.timeout`, `OTEL_…`. */
export interface TimedValue {
  ms: number | undefined;
  origin: string | undefined;
}

/**
 * Reports, at `reportAt`, a timeout longer than its interval: one poll or export must end before the next starts
 * (the OpenTelemetry SDK refuses such an export timeout too). Values already found invalid are not compared.
 */
export function checkTimeoutFits(
  interval: TimedValue,
  timeout: TimedValue,
  what: 'poll' | 'export',
  reportAt: Setting,
  sink: ProblemSink,
): void {
  if (interval.ms === undefined || timeout.ms === undefined || timeout.ms <= interval.ms) return;
  const message =
    `timeout ${formatDuration(timeout.ms)}${suffix(timeout.origin)} is longer than the ${what} interval ` +
    `${formatDuration(interval.ms)}${suffix(interval.origin)}; ${what === 'poll' ? 'a poll' : 'an export'} must end ` +
    'before the next one starts';
  reportSetting(sink, reportAt, message);
}

function suffix(origin: string | undefined): string {
  return origin === undefined ? '' : ` (${origin})`;
}

/** The origin to show for a setting: none when it is written at the place reported, else its source. */
export function originOf(setting: Setting | undefined, fallback: string): string | undefined {
  if (setting === undefined) return fallback;
  return setting.variable;
}
