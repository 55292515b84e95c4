import { type CredentialSources, resolveCredential } from './credentials.ts';
import { AZURE, CLOUD_ENDPOINTS, CLOUD_NAMES, cloudOfAuthorityHost, CONFIG_DEFAULTS } from './defaults.ts';
import { resolveHttp } from './sections.ts';
import { isPlainObject, type PathSegment, type ProblemSink, reportProblem, reportWarning } from './problems.ts';
import type { CloudName, Endpoints, HttpSettings, TenantConfig } from './types.ts';
import {
  checkEndpointUrl,
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

/** What a tenant inherits from the `defaults` section. */
export interface TenantDefaults {
  timing: PollTiming;
  cloud: CloudName;
  /** Whether `defaults.cloud` is written (else `AZURE_AUTHORITY_HOST` may pick the cloud). */
  cloudWritten: boolean;
}

/** What tenants share besides `defaults`: the top-level `http` section and their sources. */
export interface TenantContext {
  http: HttpSettings;
  /** Where a tenant's files are read, when it is, and the Azure SDK variables if they apply. */
  sources: CredentialSources;
}

const IDENTIFIERS: readonly { key: string; variable?: string; valid: (text: string) => boolean; problem: string }[] = [
  {
    key: 'name',
    valid: isTenantName,
    problem:
      'is not a valid tenant name: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  },
  {
    key: 'tenant_id',
    variable: AZURE.tenantId,
    valid: (text) => isGuid(text) || isDomainName(text),
    problem: 'is neither a GUID nor a domain name such as contoso.onmicrosoft.com',
  },
  {
    key: 'client_id',
    variable: AZURE.clientId,
    valid: isGuid,
    problem: 'is not a GUID (the application (client) ID of the app registration)',
  },
];

/**
 * Resolves `tenants[index]`; `undefined` when it is not a mapping (the schema check reported that). In a config with
 * a single tenant, `tenant_id`, `client_id`, the credential and the login host fall back to the Azure SDK variables
 * (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, …, `AZURE_AUTHORITY_HOST`); what the file writes always wins.
 */
export function resolveTenant(
  raw: unknown,
  index: number,
  defaults: TenantDefaults,
  context: TenantContext,
  sink: ProblemSink,
): TenantConfig | undefined {
  if (!isPlainObject(raw)) return undefined;
  const at = ['tenants', index];
  const env = context.sources.azureEnv;
  const values = IDENTIFIERS.map((identifier) => readIdentifier(raw, at, identifier, env, sink));
  const authority =
    env === undefined ? undefined : pickSetting({}, [...at, 'endpoints'], 'login', env, AZURE.authorityHost);
  const cloud = cloudOf(raw['cloud'], authorityCloud(authority, defaults) ?? defaults.cloud);
  const timing = resolvePollTiming(raw, at, defaults.timing, sink);
  const { clientSecret, certificate, federatedTokenFile } = resolveCredential(raw, at, context.sources, sink);
  const http = resolveHttp(raw['http'], [...at, 'http'], context.http, context.sources, sink);
  return {
    name: values[0],
    tenantId: values[1],
    clientId: values[2],
    clientSecret,
    ...(certificate === undefined ? {} : { certificate }),
    ...(federatedTokenFile === undefined ? {} : { federatedTokenFile }),
    cloud,
    endpoints: resolveEndpoints(raw['endpoints'], [...at, 'endpoints'], CLOUD_ENDPOINTS[cloud], authority, sink),
    intervalMs: timing.interval.ms ?? CONFIG_DEFAULTS.tenant.intervalMs,
    timeoutMs: timing.timeout.ms ?? CONFIG_DEFAULTS.tenant.timeoutMs(CONFIG_DEFAULTS.tenant.intervalMs),
    // Left out when no `http` section applies, as for a config written before it existed.
    ...(http === CONFIG_DEFAULTS.http ? {} : { http }),
  };
}

/** An identifier from the file, else from its Azure variable; a problem when it is missing or malformed. */
function readIdentifier(
  raw: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  identifier: (typeof IDENTIFIERS)[number],
  env: Environment | undefined,
  sink: ProblemSink,
): string {
  const setting = pickSetting(raw, at, identifier.key, env, identifier.variable);
  if (setting === undefined) {
    // `name` is required by the schema, which reported it.
    if (identifier.variable !== undefined) reportProblem(sink, at, `missing required key "${identifier.key}"`);
    return '';
  }
  const value = setting.raw;
  if (typeof value !== 'string') return '';
  if (value !== '' && !identifier.valid(value))
    reportSetting(sink, setting, `${showSetting(setting)} ${identifier.problem}`);
  return value;
}

/** The cloud `AZURE_AUTHORITY_HOST` names, when `defaults` does not set one. */
function authorityCloud(authority: Setting | undefined, defaults: TenantDefaults): CloudName | undefined {
  if (authority === undefined || defaults.cloudWritten) return undefined;
  return cloudOfAuthorityHost(String(authority.raw));
}

/** The cloud named by `value` when it is one, else `fallback` (the schema check reported anything else). */
export function cloudOf(value: unknown, fallback: CloudName): CloudName {
  return CLOUD_NAMES.find((name) => name === value) ?? fallback;
}

/** The tenant's login and Graph URLs: those written under `endpoints`, else `AZURE_AUTHORITY_HOST`, else the cloud's. */
function resolveEndpoints(
  raw: unknown,
  at: readonly PathSegment[],
  cloud: Endpoints,
  authority: Setting | undefined,
  sink: ProblemSink,
): Endpoints {
  const section = sectionOf(raw);
  const read = (key: 'login' | 'graph'): string => {
    const written = pickSetting(section, at, key);
    const setting = written ?? (key === 'login' ? authority : undefined);
    if (setting === undefined || typeof setting.raw !== 'string' || setting.raw === '') return cloud[key];
    const checked = checkEndpointUrl(setting.raw);
    if (checked.ok) return checked.url;
    reportSetting(
      sink,
      setting,
      setting.variable === undefined ? checked.message : `${setting.variable}: ${checked.message}`,
    );
    return cloud[key];
  };
  return { login: read('login'), graph: read('graph') };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A GUID such as `00000000-0000-0000-0000-000000000000` (any case). */
function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** A DNS domain name such as `contoso.onmicrosoft.com`: at least two labels, a top-level label of letters. */
function isDomainName(text: string): boolean {
  return DOMAIN_NAME.test(text);
}

/**
 * A tenant label: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit, so it is safe as a
 * metric attribute and as a file name for the tenant's state.
 */
function isTenantName(text: string): boolean {
  return TENANT_NAME.test(text);
}

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
