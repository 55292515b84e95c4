import { parseExpression } from '../health/expression/compile.ts';
import type { SeverityTexts } from '../health/severity-rules.ts';
import { type CertificateSources, type CredentialSources, resolveCredential } from './credentials.ts';
import { AZURE, CLOUD_ENDPOINTS, CLOUD_NAMES, cloudOfAuthorityHost, CONFIG_DEFAULTS } from './defaults.ts';
import {
  describePlace,
  isPlainObject,
  type PathSegment,
  type ProblemSink,
  quoteValue,
  reportProblem,
  reportWarning,
} from './problems.ts';
import { resolveHttp } from './sections.ts';
import type { CloudName, Endpoints, HttpSettings, TenantConfig, TenantEvents } from './types.ts';
import {
  checkTimeoutFits,
  type Environment,
  formatDuration,
  MAX_DURATION_MS,
  pickSetting,
  readDuration,
  readEndpointUrl,
  reportSetting,
  sectionOf,
  type Setting,
  showSetting,
  type TimedValue,
} from './values.ts';

const BUILT_IN = CONFIG_DEFAULTS.tenant;
const INTERVAL_LIMITS = { min: 5_000, max: MAX_DURATION_MS };
const TIMEOUT_LIMITS = { min: 1, max: MAX_DURATION_MS };
const WARN_BELOW_MS = 60_000;

/** A poll interval and timeout, each with where it came from (for messages comparing them). */
interface PollTiming {
  interval: TimedValue;
  timeout: TimedValue;
}

/** What a tenant inherits from the `defaults` section and the top-level `events`. */
interface TenantDefaults {
  timing: PollTiming;
  cloud: CloudName;
  /** Whether `defaults.cloud` is written (else `AZURE_AUTHORITY_HOST` may pick the cloud). */
  cloudWritten: boolean;
  severity: Partial<SeverityTexts>;
  events: TenantEvents;
}

/** What tenants share besides `defaults`: the top-level `http` section and where a tenant's files are read. */
interface TenantContext {
  http: HttpSettings;
  sources: CredentialSources;
}

const BUILT_IN_TIMING: PollTiming = Object.freeze({
  interval: { ms: BUILT_IN.intervalMs, origin: 'default' },
  timeout: { ms: BUILT_IN.timeoutMs(BUILT_IN.intervalMs), origin: 'default' },
});

/**
 * Resolves `defaults` and then every tenant, and reports tenant names used more than once, naming both entries.
 * The Azure SDK variables (`env`) apply only when there is a single tenant: with several, they could only be right
 * for one of them.
 */
export function resolveTenants(
  root: Readonly<Record<string, unknown>>,
  shared: { http: HttpSettings; sources: CertificateSources; env: Environment },
  sink: ProblemSink,
): TenantConfig[] {
  const defaults = resolveDefaults(root, sink);
  const raw = root['tenants'];
  if (!Array.isArray(raw)) return [];
  reportDuplicateNames(raw, sink);
  const azureEnv = raw.length === 1 ? shared.env : undefined;
  const context: TenantContext = { http: shared.http, sources: { ...shared.sources, azureEnv } };
  return raw
    .map((tenant, index) => resolveTenant(tenant, index, defaults, context, sink))
    .filter((tenant) => tenant !== undefined);
}

/**
 * What every tenant inherits: the `defaults` section over the built-in poll timing, cloud and severity rule
 * ({@link CONFIG_DEFAULTS}), and the top-level `events`. Its values are checked here, once, and tenants inheriting
 * them are not reported again; messages about an inherited value name `defaults.interval` or `defaults.timeout`.
 */
function resolveDefaults(root: Readonly<Record<string, unknown>>, sink: ProblemSink): TenantDefaults {
  const section = sectionOf(root['defaults']);
  const timing = resolvePollTiming(section, ['defaults'], BUILT_IN_TIMING, sink);
  const origin = (key: string, own: TimedValue): string | undefined =>
    section[key] === undefined ? own.origin : `defaults.${key}`;
  return {
    timing: {
      interval: { ms: timing.interval.ms, origin: origin('interval', timing.interval) },
      timeout: { ms: timing.timeout.ms, origin: origin('timeout', timing.timeout) },
    },
    cloud: cloudOf(section['cloud'], BUILT_IN.cloud),
    cloudWritten: section['cloud'] !== undefined,
    severity: readSeverity(section['severity'], ['defaults', 'severity'], sink),
    events: readEvents(root['events'], CONFIG_DEFAULTS.events),
  };
}

function reportDuplicateNames(tenants: readonly unknown[], sink: ProblemSink): void {
  const firstIndex = new Map<string, number>();
  tenants.forEach((tenant, index) => {
    const name = isPlainObject(tenant) ? tenant['name'] : undefined;
    if (typeof name !== 'string') return;
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, index);
      return;
    }
    const at = ['tenants', index, 'name'];
    const other = describePlace(sink, ['tenants', first], at, ['name']);
    reportProblem(sink, at, `duplicate tenant name ${quoteValue(name)}: ${other} has it too; names must be unique`);
  });
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS domain name such as `contoso.onmicrosoft.com`: at least two labels, a top-level label of letters. */
const DOMAIN_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** A tenant label, safe as a metric attribute and as a file name for the tenant's state. */
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const IDENTIFIERS = [
  {
    key: 'name',
    valid: (text: string) => TENANT_NAME.test(text),
    problem:
      'is not a valid tenant name: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  },
  {
    key: 'tenant_id',
    variable: AZURE.tenantId,
    valid: (text: string) => GUID.test(text) || DOMAIN_NAME.test(text),
    problem: 'is neither a GUID nor a domain name such as contoso.onmicrosoft.com',
  },
  {
    key: 'client_id',
    variable: AZURE.clientId,
    valid: (text: string) => GUID.test(text),
    problem: 'is not a GUID (the application (client) ID of the app registration)',
  },
] as const;

/**
 * Resolves `tenants[index]`; `undefined` when it is not a mapping (the schema check reported that). In a config with
 * a single tenant, `tenant_id`, `client_id`, the credential and the login host fall back to the Azure SDK variables
 * (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, …, `AZURE_AUTHORITY_HOST`); what the file writes always wins. `severity`
 * is left out when neither the tenant nor `defaults` sets any key, `events` while message-center events are off.
 */
function resolveTenant(
  tenant: unknown,
  index: number,
  defaults: TenantDefaults,
  context: TenantContext,
  sink: ProblemSink,
): TenantConfig | undefined {
  if (!isPlainObject(tenant)) return undefined;
  const at = ['tenants', index];
  const env = context.sources.azureEnv;
  const [name, tenantId, clientId] = IDENTIFIERS.map((identifier) => readIdentifier(tenant, at, identifier, env, sink));
  const authority =
    env === undefined ? undefined : pickSetting({}, [...at, 'endpoints'], 'login', env, AZURE.authorityHost);
  const authorityCloud =
    authority === undefined || defaults.cloudWritten ? undefined : cloudOfAuthorityHost(String(authority.raw));
  const cloud = cloudOf(tenant['cloud'], authorityCloud ?? defaults.cloud);
  const timing = resolvePollTiming(tenant, at, defaults.timing, sink);
  const { clientSecret, certificate, federatedTokenFile } = resolveCredential(tenant, at, context.sources, sink);
  const http = resolveHttp(tenant['http'], [...at, 'http'], context.http, context.sources, sink);
  const severity = mergeSeverity(readSeverity(tenant['severity'], [...at, 'severity'], sink), defaults.severity);
  const events = readEvents(tenant['events'], defaults.events);
  return {
    name,
    tenantId,
    clientId,
    clientSecret,
    ...(certificate === undefined ? {} : { certificate }),
    ...(federatedTokenFile === undefined ? {} : { federatedTokenFile }),
    cloud,
    endpoints: resolveEndpoints(tenant['endpoints'], [...at, 'endpoints'], CLOUD_ENDPOINTS[cloud], authority, sink),
    intervalMs: timing.interval.ms ?? BUILT_IN.intervalMs,
    timeoutMs: timing.timeout.ms ?? BUILT_IN.timeoutMs(BUILT_IN.intervalMs),
    // Left out when no `http` section applies, as for a config written before it existed.
    ...(http === CONFIG_DEFAULTS.http ? {} : { http }),
    ...(severity ? { severity } : {}),
    ...(events.messages ? { events } : {}),
  };
}

/** An identifier from the file, else from its Azure variable; a problem when it is missing or malformed. */
function readIdentifier(
  tenant: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  identifier: (typeof IDENTIFIERS)[number],
  env: Environment | undefined,
  sink: ProblemSink,
): string {
  const variable = 'variable' in identifier ? identifier.variable : undefined;
  const setting = pickSetting(tenant, at, identifier.key, env, variable);
  if (setting === undefined) {
    // `name` is required by the schema, which reported it.
    if (variable !== undefined) reportProblem(sink, at, `missing required key "${identifier.key}"`);
    return '';
  }
  if (typeof setting.raw !== 'string') return '';
  if (setting.raw !== '' && !identifier.valid(setting.raw))
    reportSetting(sink, setting, `${showSetting(setting)} ${identifier.problem}`);
  return setting.raw;
}

/** The cloud named by `value` when it is one, else `fallback` (the schema check reported anything else). */
function cloudOf(value: unknown, fallback: CloudName): CloudName {
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
  const read = (key: 'login' | 'graph'): string => {
    const setting = pickSetting(sectionOf(raw), at, key) ?? (key === 'login' ? authority : undefined);
    return setting?.raw === '' ? cloud[key] : readEndpointUrl(setting, cloud[key], sink);
  };
  return { login: read('login'), graph: read('graph') };
}

/**
 * Reads `interval` and `timeout` of `section` (at `at`), falling back to `inherited`. The interval must be at least
 * 5s (under 1m is a warning) and the timeout no longer than the interval; values the section does not set were
 * checked where they are written, so they are not reported again. A timeout written in `defaults` is inherited as
 * it is (and checked against the section's interval), while the built-in one follows the interval
 * ({@link CONFIG_DEFAULTS}).
 */
function resolvePollTiming(
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
function readSeverity(raw: unknown, at: readonly PathSegment[], sink: ProblemSink): Partial<SeverityTexts> {
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
function mergeSeverity(tenant: Partial<SeverityTexts>, defaults: Partial<SeverityTexts>): SeverityTexts | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  return {
    critical: tenant.critical ?? defaults.critical ?? BUILT_IN.severity.critical,
    warning: tenant.warning ?? defaults.warning ?? BUILT_IN.severity.warning,
  };
}

/** `events.<name>.enabled` of a section, or `fallback` when it does not say. */
function readEvents(raw: unknown, fallback: TenantEvents): TenantEvents {
  const enabled = sectionOf(sectionOf(raw)['messages'])['enabled'];
  return { messages: typeof enabled === 'boolean' ? enabled : fallback.messages };
}
