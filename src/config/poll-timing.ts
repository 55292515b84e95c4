import { CONFIG_DEFAULTS } from './defaults.ts';
import {
  formatDuration,
  checkTimeoutFits,
  type TimedValue,
  MAX_DURATION_MS,
  readDuration,
  pickSetting,
  type Setting,
} from './values.ts';
import { reportWarning } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import type { PathSegment } from './yaml-source.ts';

const BUILT_IN = CONFIG_DEFAULTS.tenant;
const INTERVAL_LIMITS = { min: 5_000, max: MAX_DURATION_MS };
const TIMEOUT_LIMITS = { min: 1, max: MAX_DURATION_MS };
const WARN_BELOW_MS = 60_000;

/** A poll interval and timeout, each with where it came from (for messages comparing them). */
export interface PollTiming {
  interval: TimedValue;
  timeout: TimedValue;
}

/**
 * Reads `interval` and `timeout` of `section` (at `at`), falling back to `inherited`. The interval must be at least
 * 5s (under 1m is a warning) and the timeout no longer than the interval; values the section does not set were
 * checked where they are written, so they are not reported again.
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
  const resolvedInterval =
    interval === undefined ? inherited.interval : { ms: readInterval(interval, sink), origin: undefined };
  if (timeout === undefined) {
    const derived = { interval: resolvedInterval, timeout: derivedTimeout(inherited.timeout, resolvedInterval) };
    checkTimeoutFits(derived.interval, derived.timeout, 'poll', interval!, sink);
    return derived;
  }
  const resolved: PollTiming = {
    interval: resolvedInterval,
    timeout: {
      ms: readDuration(timeout, BUILT_IN.timeoutMs(BUILT_IN.intervalMs), TIMEOUT_LIMITS, sink),
      origin: undefined,
    },
  };
  checkTimeoutFits(resolved.interval, resolved.timeout, 'poll', timeout, sink);
  return resolved;
}

/**
 * The timeout a section that writes none gets: one written in `defaults` is kept (and checked against the tenant's
 * interval), while the built-in one follows the interval ({@link CONFIG_DEFAULTS}).
 */
function derivedTimeout(inherited: TimedValue, interval: TimedValue): TimedValue {
  if (inherited.origin !== 'default') return inherited;
  return { ms: BUILT_IN.timeoutMs(interval.ms ?? BUILT_IN.intervalMs), origin: 'default' };
}

/** The built-in timing, as inherited by the `defaults` section. */
export function builtInPollTiming(): PollTiming {
  return {
    interval: { ms: BUILT_IN.intervalMs, origin: 'default' },
    timeout: { ms: BUILT_IN.timeoutMs(BUILT_IN.intervalMs), origin: 'default' },
  };
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
  const ms = readDuration(setting, BUILT_IN.intervalMs, INTERVAL_LIMITS, sink);
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
