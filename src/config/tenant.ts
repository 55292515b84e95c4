import { parseExpression } from '../health/expression/compile.ts';
import type { SeverityTexts } from '../health/severity-rules.ts';
import { type CredentialSources, resolveCredential } from './credentials.ts';
import { AZURE, CLOUD_ENDPOINTS, CLOUD_NAMES, cloudOfAuthorityHost, CONFIG_DEFAULTS } from './defaults.ts';
import { type PollTiming, resolvePollTiming } from './poll-timing.ts';
import { isPlainObject, type PathSegment, type ProblemSink, reportProblem } from './problems.ts';
import { resolveHttp } from './sections.ts';
import type { CloudName, Endpoints, HttpSettings, TenantConfig, TenantEvents } from './types.ts';
import {
  checkEndpointUrl,
  type Environment,
  pickSetting,
  reportSetting,
  sectionOf,
  type Setting,
  showSetting,
  reportVariableSetting,
} from './values.ts';

/** What a tenant inherits from the `defaults` section and the top-level `events`. */
export interface TenantDefaults {
  timing: PollTiming;
  cloud: CloudName;
  /** Whether `defaults.cloud` is written (else `AZURE_AUTHORITY_HOST` may pick the cloud). */
  cloudWritten: boolean;
  severity: Partial<SeverityTexts>;
  events: TenantEvents;
}

/** What tenants share besides `defaults`: the top-level `http` section and their sources. */
export interface TenantContext {
  http: HttpSettings;
  /** Where a tenant's files are read, when it is, and the Azure SDK variables if they apply. */
  sources: CredentialSources;
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
export function resolveTenant(
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
    intervalMs: timing.interval.ms ?? CONFIG_DEFAULTS.tenant.intervalMs,
    timeoutMs: timing.timeout.ms ?? CONFIG_DEFAULTS.tenant.timeoutMs(CONFIG_DEFAULTS.tenant.intervalMs),
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
  const read = (key: 'login' | 'graph'): string => {
    const setting = pickSetting(sectionOf(raw), at, key) ?? (key === 'login' ? authority : undefined);
    if (setting === undefined || typeof setting.raw !== 'string' || setting.raw === '') return cloud[key];
    const checked = checkEndpointUrl(setting.raw);
    if (checked.ok) return checked.url;
    reportVariableSetting(sink, setting, `${checked.message}`);
    return cloud[key];
  };
  return { login: read('login'), graph: read('graph') };
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
function mergeSeverity(tenant: Partial<SeverityTexts>, defaults: Partial<SeverityTexts>): SeverityTexts | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  const fallback = CONFIG_DEFAULTS.tenant.severity;
  return {
    critical: tenant.critical ?? defaults.critical ?? fallback.critical,
    warning: tenant.warning ?? defaults.warning ?? fallback.warning,
  };
}

/** `events.<name>.enabled` of a section, or `fallback` when it does not say. */
export function readEvents(raw: unknown, fallback: TenantEvents): TenantEvents {
  const enabled = sectionOf(sectionOf(raw)['messages'])['enabled'];
  return { messages: typeof enabled === 'boolean' ? enabled : fallback.messages };
}
