import { isPlainObject, type PathSegment, type ProblemSink, quoteValue, reportProblem } from './problems.ts';

/** Environment variables as passed to the loader. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * One setting as found: its raw value, the config path it belongs to, and the environment variable it came from
 * when the file does not set it.
 */
export interface Setting {
  raw: unknown;
  at: readonly PathSegment[];
  /** Set when the value comes from this environment variable rather than from the file. */
  variable: string | undefined;
}

/** The entries of a mapping section, or none when it is absent, empty (`null`) or of the wrong type. */
export function sectionOf(value: unknown): Readonly<Record<string, unknown>> {
  return isPlainObject(value) ? value : {};
}

/** An environment variable's value; unset and empty are the same, as the OpenTelemetry specification asks. */
export function readEnv(env: Environment, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** `OTEL_EXPORTER_OTLP_<name>`, or with a signal `OTEL_EXPORTER_OTLP_METRICS_<name>` (`…_LOGS_<name>`). */
export function otlpVariable(name: string, signal?: 'metrics' | 'logs'): string {
  return `OTEL_EXPORTER_OTLP_${signal === undefined ? '' : `${signal.toUpperCase()}_`}${name}`;
}

/** The setting `key` of `section`: the file's value if present, else `variable` from the environment, else none. */
export function pickSetting(
  section: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  key: string,
  env?: Environment,
  variable?: string,
): Setting | undefined {
  if (section[key] !== undefined) return { raw: section[key], at: [...at, key], variable: undefined };
  const fromEnv = env === undefined || variable === undefined ? undefined : readEnv(env, variable);
  return fromEnv === undefined ? undefined : { raw: fromEnv, at: [...at, key], variable };
}

/** The value as a message shows it: `"5 minutes"`, or `OTEL_X="abc"` for one from the environment. */
export function showSetting(setting: Setting): string {
  const quoted = quoteValue(setting.raw, setting.at);
  return setting.variable === undefined ? quoted : `${setting.variable}=${quoted}`;
}

/**
 * Reports a problem with a setting: at its place in the file, or without a line when it came from the environment;
 * with `namingVariable`, the message is led by the environment variable the value came from, if any (`OTEL_X: …`).
 */
export function reportSetting(sink: ProblemSink, setting: Setting, message: string, namingVariable = false): void {
  const text = namingVariable && setting.variable !== undefined ? `${setting.variable}: ${message}` : message;
  reportProblem(sink, setting.at, text, { outsideFile: setting.variable !== undefined });
}

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

/** The longest interval or timeout: one day, well inside what timers can hold. */
export const MAX_DURATION_MS = 24 * 3_600_000;

const MILLISECONDS = /^\d+$/;

/**
 * Reads a duration setting: text such as `30s` from the file, whole milliseconds from an environment variable,
 * within `limits` in milliseconds (the minimum inclusive; 0 is never accepted). Returns `undefined` after reporting a
 * value that cannot be used.
 */
export function readDuration(
  setting: Setting,
  limits: { min: number; max: number },
  sink: ProblemSink,
): number | undefined {
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

function rangeProblem(ms: number, limits: { min: number; max: number }): string | undefined {
  if (ms === 0) return 'must be greater than 0';
  if (ms < limits.min) return `is below the minimum of ${formatDuration(limits.min)}`;
  if (ms > limits.max) return `is above the maximum of ${formatDuration(limits.max)}`;
  return undefined;
}

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

/** An endpoint URL checked and normalized (no trailing slash), or why it is refused. */
export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether a URL host (as `URL.hostname` gives it) is this machine: `localhost`, 127.0.0.0/8 or `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname);
}

/**
 * Checks a base URL (exporter endpoint, login or Graph host): it must parse, be `https://`, or `http://` to a
 * loopback host only, and carry no credentials, query or fragment. Trailing slashes are removed. Credentials
 * written in the URL are never repeated in a message.
 */
export function checkEndpointUrl(text: string): UrlCheck {
  const shown = JSON.stringify(hideUserInfo(text));
  const url = URL.parse(text);
  if (url === null) return { ok: false, message: `${shown} is not a valid URL` };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `${shown} must start with https:// (or http:// for a loopback host)` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: `${shown} must not contain a user name or password; send credentials in headers` };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: `${shown} must not contain a query or a fragment` };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message:
        `${shown} uses plain http:// to a remote host; ` +
        'use https://, or http:// only for localhost, 127.0.0.0/8 or ::1',
    };
  }
  return { ok: true, url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

/** The endpoint URL `setting` gives, checked by {@link checkEndpointUrl}; `fallback` when unset or refused. */
export function readEndpointUrl(setting: Setting | undefined, fallback: string, sink: ProblemSink): string {
  if (setting === undefined || typeof setting.raw !== 'string') return fallback;
  const checked = checkEndpointUrl(setting.raw);
  if (checked.ok) return checked.url;
  reportSetting(sink, setting, checked.message, true);
  return fallback;
}

function hideUserInfo(text: string): string {
  const shortened = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return shortened.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1***@');
}

/** Pairs read from a `key1=value1,key2=value2` environment variable, or why it could not be read. */
export type KeyValueList = { ok: true; entries: [string, string][] } | { ok: false; message: string };

/**
 * Reads the list format of `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`: comma-separated
 * `key=value` pairs, keys and values trimmed, values percent-decoded, empty entries skipped. Messages name entries
 * by position and key, never by value (header values are often credentials).
 */
export function parseKeyValueList(text: string): KeyValueList {
  const entries: [string, string][] = [];
  const parts = text.split(',');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index].trim();
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals === -1) return failure(`entry ${index + 1} has no "="; expected key=value pairs separated by commas`);
    const key = part.slice(0, equals).trim();
    if (key === '') return failure(`entry ${index + 1} has an empty key`);
    try {
      entries.push([key, decodeURIComponent(part.slice(equals + 1).trim())]);
    } catch {
      return failure(`the value of ${JSON.stringify(key)} is not valid percent-encoding`);
    }
  }
  return { ok: true, entries };
}

function failure(message: string): KeyValueList {
  return { ok: false, message };
}
