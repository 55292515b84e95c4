import { parseExpression } from '../health/expression/compile.ts';
import type { SeverityTexts } from '../health/severity-rules.ts';
import { AZURE, CLOUD_NAMES, CONFIG_DEFAULTS } from './defaults.ts';
import { type PathSegment, type ProblemSink, reportProblem, reportWarning } from './problems.ts';
import type { CloudName, CredentialExpirySettings, TenantEvents } from './types.ts';
import {
  checkTimeoutFits,
  type Environment,
  formatDuration,
  MAX_DURATION_MS,
  pickSetting,
  readDuration,
  reportSetting,
  sectionOf,
  type Setting,
  showSetting,
  type TimedValue,
} from './values.ts';
import { GUID, DOMAIN_NAME } from '../shared/identifiers.ts';

/**
 * Readers of the settings a tenant has, each for one section (a tenant's entry or `defaults`): they check what the
 * section writes and report problems at its place, so a value written in `defaults` is checked once however many
 * tenants inherit it.
 */

const BUILT_IN = CONFIG_DEFAULTS.tenant;
const INTERVAL_LIMITS = { min: 5_000, max: MAX_DURATION_MS };
const TIMEOUT_LIMITS = { min: 1, max: MAX_DURATION_MS };
const WARN_BELOW_MS = 60_000;

/** A tenant label, safe as a metric attribute and as a file name for the tenant's state. */
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** How each identifier of a tenant is checked, and the Azure SDK variable that may stand in for it. */
export const IDENTIFIERS = {
  name: {
    key: 'name',
    valid: (text: string) => TENANT_NAME.test(text),
    problem:
      'is not a valid tenant name: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  },
  tenantId: {
    key: 'tenant_id',
    variable: AZURE.tenantId,
    valid: (text: string) => GUID.test(text) || DOMAIN_NAME.test(text),
    problem: 'is neither a GUID nor a domain name such as contoso.onmicrosoft.com',
  },
  clientId: {
    key: 'client_id',
    variable: AZURE.clientId,
    inheritable: true,
    valid: (text: string) => GUID.test(text),
    problem: 'is not a GUID (the application (client) ID of the app registration)',
  },
  homeTenant: {
    key: 'home_tenant',
    valid: (text: string) => GUID.test(text) || DOMAIN_NAME.test(text),
    problem: 'is neither a GUID nor a domain name: the tenant where the app is registered',
  },
} as const;

type Identifier = (typeof IDENTIFIERS)[keyof typeof IDENTIFIERS];

/**
 * An identifier written in `section`, else `inherited` (from `defaults`), else from its Azure variable when `env`
 * is given; a problem when it is malformed, or missing where `required`. `''` when there is none.
 */
export function readIdentifier(
  section: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  identifier: Identifier,
  options: { env?: Environment; inherited?: string; required: boolean },
  sink: ProblemSink,
): string {
  if (section[identifier.key] === undefined && options.inherited !== undefined) return options.inherited;
  const variable = 'variable' in identifier ? identifier.variable : undefined;
  const setting = pickSetting(section, at, identifier.key, options.env, variable);
  if (setting === undefined) {
    // `name` is required by the schema, which reported it.
    if (variable !== undefined && options.required) {
      const orDefaults = 'inheritable' in identifier ? ': set it here or in defaults' : '';
      reportProblem(sink, at, `missing required key "${identifier.key}"${orDefaults}`);
    }
    return '';
  }
  if (typeof setting.raw !== 'string') return '';
  if (setting.raw !== '' && !identifier.valid(setting.raw))
    reportSetting(sink, setting, `${showSetting(setting)} ${identifier.problem}`);
  return setting.raw;
}

/** The cloud named by `value` when it is one, else `fallback` (the schema check reported anything else). */
export function cloudOf(value: unknown, fallback: CloudName): CloudName {
  return CLOUD_NAMES.find((name) => name === value) ?? fallback;
}

/** A poll interval and timeout, each with where it came from (for messages comparing them). */
export interface PollTiming {
  interval: TimedValue;
  timeout: TimedValue;
}

export const BUILT_IN_TIMING: PollTiming = Object.freeze({
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

/**
 * The expressions a `severity` section (`defaults.severity` or `tenants[i].severity`) sets, each parsed: a syntax
 * error is a problem at the key, naming the position in the expression; an empty text is allowed and never matches.
 */
export function readSeverity(raw: unknown, at: readonly PathSegment[], sink: ProblemSink): Partial<SeverityTexts> {
  const texts: { -readonly [K in keyof SeverityTexts]?: string } = {};
  for (const key of ['critical', 'warning'] as const) {
    const text = sectionOf(raw)[key];
    if (typeof text !== 'string') continue;
    const parsed = parseExpression(text);
    if (parsed.ok) texts[key] = text;
    else reportProblem(sink, [...at, key], `invalid expression: ${parsed.error.message}`);
  }
  return texts;
}

/**
 * The rules of a tenant: each key from the tenant's section, else from `defaults.severity`, else the built-in
 * expression. `undefined` when neither section sets anything: the agent then uses the built-in rule as code.
 */
export function mergeSeverity(
  tenant: Partial<SeverityTexts>,
  defaults: Partial<SeverityTexts>,
): SeverityTexts | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  return {
    critical: tenant.critical ?? defaults.critical ?? BUILT_IN.severity.critical,
    warning: tenant.warning ?? defaults.warning ?? BUILT_IN.severity.warning,
  };
}

/** `events.<name>.enabled` of a section, or `fallback` when it does not say. */
export function readEvents(raw: unknown, fallback: TenantEvents): TenantEvents {
  const enabled = sectionOf(sectionOf(raw)['messages'])['enabled'];
  return { messages: typeof enabled === 'boolean' ? enabled : fallback.messages };
}

/**
 * `credential_expiry` of a section, key by key over `fallback` (`defaults`' own, over the built-in ones); the lead
 * times sorted longest first, each once. `home_tenant` is checked as `tenant_id` is.
 */
export function readCredentialExpiry(
  raw: unknown,
  at: readonly PathSegment[],
  fallback: Readonly<CredentialExpirySettings>,
  sink: ProblemSink,
): Readonly<CredentialExpirySettings> {
  const section = sectionOf(raw);
  const readApp = section['read_app'];
  const days = section['warn_before_days'];
  const home = readIdentifier(
    section,
    at,
    IDENTIFIERS.homeTenant,
    { inherited: fallback.homeTenant, required: false },
    sink,
  );
  const read: CredentialExpirySettings = {
    readApp: typeof readApp === 'boolean' ? readApp : fallback.readApp,
    homeTenant: home === '' ? undefined : home,
    warnBeforeDays:
      Array.isArray(days) && days.every(Number.isInteger)
        ? [...new Set(days as number[])].sort((a, b) => b - a)
        : fallback.warnBeforeDays,
  };
  const same =
    read.readApp === fallback.readApp &&
    read.homeTenant === fallback.homeTenant &&
    read.warnBeforeDays.join() === fallback.warnBeforeDays.join();
  return same ? fallback : read;
}
