import { AZURE, cloudOfAuthorityHost, CLOUD_ENDPOINTS, CLOUD_NAMES } from './clouds.ts';
import {
  checkEndpointUrl,
  pickSetting,
  reportSetting,
  sectionOf,
  showSetting,
  type Environment,
  type Setting,
} from './values.ts';
import { resolveCredential, type CredentialSources } from './credentials.ts';
import { isPlainObject, reportProblem, type ProblemSink } from './problems.ts';
import { isDomainName, isGuid, isTenantName } from './identifiers.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { resolvePollTiming, type PollTiming } from './poll-timing.ts';
import { resolveHttp, type HttpSources } from './http.ts';
import type { CloudName, Endpoints, HttpSettings, TenantConfig } from './types.ts';
import type { PathSegment } from './yaml-source.ts';

/** What a tenant inherits from the `defaults` section. */
export interface TenantDefaults {
  timing: PollTiming;
  cloud: CloudName;
  /** Whether `defaults.cloud` is written (else `AZURE_AUTHORITY_HOST` may pick the cloud). */
  cloudWritten: boolean;
}

/** Where a tenant's files (certificates, CA bundles) are read, when it is, and the Azure SDK variables if they apply. */
export type TenantSources = CredentialSources & HttpSources;

/** What tenants share besides `defaults`: the top-level `http` section and their sources. */
export interface TenantContext {
  http: HttpSettings;
  sources: TenantSources;
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
