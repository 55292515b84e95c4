import { CONFIG_DEFAULTS } from './defaults.ts';
import { type PathSegment, type ProblemSink, reportWarning } from './problems.ts';
import {
  checkTimeoutFits,
  formatDuration,
  MAX_DURATION_MS,
  pickSetting,
  readDuration,
  type Setting,
  type TimedValue,
} from './values.ts';

const BUILT_IN = CONFIG_DEFAULTS.tenant;
const INTERVAL_LIMITS = { min: 5_000, max: MAX_DURATION_MS };
const TIMEOUT_LIMITS = { min: 1, max: MAX_DURATION_MS };
const WARN_BELOW_MS = 60_000;

/** A poll interval and timeout, each with where it came from (for messages comparing them). */
export interface PollTiming {
  interval: TimedValue;
  timeout: TimedValue;
}

/** The built-in timing, as inherited by the `defaults` section. */
export const BUILT_IN_POLL_TIMING: PollTiming = Object.freeze({
  interval: { ms: BUILT_IN.intervalMs, origin: 'default' },
  timeout: { ms: BUILT_IN.timeoutMs(BUILT_IN.intervalMs), origin: 'default' },
});

/**
 * Reads `interval` and `timeout` of `section` (at `at`), falling back to `inherited`. The interval must be at least
 * 5s (under 1m is a warning) and the timeout no longer than the interval; values the section does not set were
 * checked where they are written, so they are not reported again. A timeout written in `defaults` is inherited as
 * it is (and checked against the section's interval), while the built-in one follows the interval
 * ({@link CONFIG_DEFAULTS}).
 */
export function resolvePollTiming(
  section: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  inherited: PollTiming,
  sink: ProblemSink,
): PollTiming {
  const interval = pickSetting(section, at, 'interval');
  const timeout = pickSetting(section, at, 'timeout');
  if (interval === undefined && timeout === undefined) return inherited;
  const resolved: PollTiming = {
    interval: interval === undefined ? inherited.interval : { ms: readInterval(interval, sink), origin: undefined },
    timeout:
      timeout === undefined
        ? inherited.timeout
        : { ms: readDuration(timeout, TIMEOUT_LIMITS, sink), origin: undefined },
  };
  if (resolved.timeout.origin === 'default') {
    resolved.timeout = { ms: BUILT_IN.timeoutMs(resolved.interval.ms ?? BUILT_IN.intervalMs), origin: 'default' };
  }
  checkTimeoutFits(resolved.interval, resolved.timeout, 'poll', (timeout ?? interval)!, sink);
  return resolved;
}

/** Timing as inherited from `defaults` by a tenant: messages then name `defaults.interval` or `defaults.timeout`. */
export function inheritedFromDefaults(timing: PollTiming, section: Readonly<Record<string, unknown>>): PollTiming {
  const origin = (key: string, own: TimedValue): string | undefined =>
    section[key] === undefined ? own.origin : `defaults.${key}`;
  return {
    interval: { ms: timing.interval.ms, origin: origin('interval', timing.interval) },
    timeout: { ms: timing.timeout.ms, origin: origin('timeout', timing.timeout) },
  };
}

function readInterval(setting: Setting, sink: ProblemSink): number | undefined {
  const ms = readDuration(setting, INTERVAL_LIMITS, sink);
  if (ms !== undefined && ms < WARN_BELOW_MS) {
    reportWarning(
      sink,
      setting.at,
      `poll interval ${formatDuration(ms)} is under 1m: service health changes over minutes, ` +
        'and frequent polls count against Microsoft Graph throttling limits',
    );
  }
  return ms;
}
