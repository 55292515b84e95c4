import { readCredential, type CertificateSources, type CredentialSources, resolveCredential } from './credentials.ts';
import type { TenantCredential } from './credentials.ts';
import { AZURE, CLOUD_ENDPOINTS, cloudOfAuthorityHost, CONFIG_DEFAULTS } from './defaults.ts';
import {
  describePlace,
  isPlainObject,
  type PathSegment,
  type ProblemSink,
  quoteValue,
  reportProblem,
} from './problems.ts';
import { resolveHttp } from './sections.ts';
import {
  BUILT_IN_TIMING,
  cloudOf,
  IDENTIFIERS,
  mergeSeverity,
  type PollTiming,
  readCredentialExpiry,
  readEvents,
  readIdentifier,
  readSeverity,
  resolvePollTiming,
} from './tenant-settings.ts';
import type {
  CloudName,
  CredentialExpirySettings,
  Endpoints,
  HttpSettings,
  TenantConfig,
  TenantEvents,
} from './types.ts';
import { type Environment, pickSetting, readEndpointUrl, sectionOf, type Setting } from './values.ts';
import type { SeverityTexts } from '../health/severity-rules.ts';

const BUILT_IN = CONFIG_DEFAULTS.tenant;

/**
 * What a tenant inherits from the `defaults` section, each value checked once where it is written: every tenant
 * setting but `name` and `tenant_id`. The top-level `http` and `events` sections come under `defaults`' own.
 */
interface TenantDefaults {
  timing: PollTiming;
  cloud: CloudName;
  /** Whether `defaults.cloud` is written (else `AZURE_AUTHORITY_HOST` may pick the cloud). */
  cloudWritten: boolean;
  severity: Partial<SeverityTexts>;
  events: TenantEvents;
  credentialExpiry: Readonly<CredentialExpirySettings>;
  http: HttpSettings;
  clientId: string | undefined;
  credential: TenantCredential | undefined;
  endpoints: Partial<Endpoints>;
}

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
  const defaults = resolveDefaults(root, shared, sink);
  const raw = root['tenants'];
  if (!Array.isArray(raw)) return [];
  reportDuplicateNames(raw, sink);
  const azureEnv = raw.length === 1 ? shared.env : undefined;
  const sources: CredentialSources = { ...shared.sources, azureEnv };
  return raw
    .map((tenant, index) => resolveTenant(tenant, index, defaults, sources, sink))
    .filter((tenant) => tenant !== undefined);
}

/**
 * What every tenant inherits: the `defaults` section over the built-in poll timing, cloud and severity rule
 * ({@link CONFIG_DEFAULTS}), over the top-level `http` (`shared.http`) and `events`. Its values are checked here,
 * once (a certificate is read once for all the tenants that share it), and tenants inheriting them are not reported
 * again; messages about an inherited value name its key in `defaults`.
 */
function resolveDefaults(
  root: Readonly<Record<string, unknown>>,
  shared: { http: HttpSettings; sources: CertificateSources },
  sink: ProblemSink,
): TenantDefaults {
  const section = sectionOf(root['defaults']);
  const at = ['defaults'];
  const timing = resolvePollTiming(section, at, BUILT_IN_TIMING, sink);
  const origin = (key: string, own: PollTiming['interval']): string | undefined =>
    section[key] === undefined ? own.origin : `defaults.${key}`;
  const endpoint = (key: 'login' | 'graph'): string | undefined => {
    const setting = pickSetting(sectionOf(section['endpoints']), [...at, 'endpoints'], key);
    return setting?.raw === '' ? undefined : readEndpointUrl(setting, '', sink) || undefined;
  };
  const clientId = readIdentifier(section, at, IDENTIFIERS.clientId, { required: false }, sink);
  return {
    timing: {
      interval: { ms: timing.interval.ms, origin: origin('interval', timing.interval) },
      timeout: { ms: timing.timeout.ms, origin: origin('timeout', timing.timeout) },
    },
    cloud: cloudOf(section['cloud'], BUILT_IN.cloud),
    cloudWritten: section['cloud'] !== undefined,
    severity: readSeverity(section['severity'], [...at, 'severity'], sink),
    events: readEvents(section['events'], readEvents(root['events'], CONFIG_DEFAULTS.events)),
    credentialExpiry: readCredentialExpiry(
      section['credential_expiry'],
      [...at, 'credential_expiry'],
      CONFIG_DEFAULTS.credentialExpiry,
      sink,
    ),
    http: resolveHttp(section['http'], [...at, 'http'], shared.http, shared.sources, sink),
    clientId: clientId === '' ? undefined : clientId,
    credential: readCredential(section, at, shared.sources, sink),
    endpoints: { login: endpoint('login'), graph: endpoint('graph') },
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

/**
 * Resolves `tenants[index]`; `undefined` when it is not a mapping (the schema check reported that). Each setting the
 * tenant writes wins over `defaults`' (key by key within `endpoints`, `http`, `severity`, `events` and `credential_expiry`; the credential
 * as a whole). In a config with a single tenant, `tenant_id`, `client_id`, the credential and the login host fall
 * back to the Azure SDK variables (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, …, `AZURE_AUTHORITY_HOST`); what the file
 * writes always wins. `severity` is left out when neither the tenant nor `defaults` sets any key, `events` while
 * message-center events are off, `credentialExpiry` while it is the built-in one.
 */
function resolveTenant(
  tenant: unknown,
  index: number,
  defaults: TenantDefaults,
  sources: CredentialSources,
  sink: ProblemSink,
): TenantConfig | undefined {
  if (!isPlainObject(tenant)) return undefined;
  const at = ['tenants', index];
  const env = sources.azureEnv;
  const name = readIdentifier(tenant, at, IDENTIFIERS.name, { required: true }, sink);
  const tenantId = readIdentifier(tenant, at, IDENTIFIERS.tenantId, { env, required: true }, sink);
  const clientId = readIdentifier(
    tenant,
    at,
    IDENTIFIERS.clientId,
    { env, inherited: defaults.clientId, required: true },
    sink,
  );
  const authority =
    env === undefined ? undefined : pickSetting({}, [...at, 'endpoints'], 'login', env, AZURE.authorityHost);
  const authorityCloud =
    authority === undefined || defaults.cloudWritten ? undefined : cloudOfAuthorityHost(String(authority.raw));
  const cloud = cloudOf(tenant['cloud'], authorityCloud ?? defaults.cloud);
  const timing = resolvePollTiming(tenant, at, defaults.timing, sink);
  const credential = resolveCredential(tenant, at, sources, defaults.credential, sink);
  const { clientSecret, certificate, federatedTokenFile } = credential;
  const http = resolveHttp(tenant['http'], [...at, 'http'], defaults.http, sources, sink);
  const severity = mergeSeverity(readSeverity(tenant['severity'], [...at, 'severity'], sink), defaults.severity);
  const events = readEvents(tenant['events'], defaults.events);
  const credentialExpiry = readCredentialExpiry(
    tenant['credential_expiry'],
    [...at, 'credential_expiry'],
    defaults.credentialExpiry,
    sink,
  );
  return {
    name,
    tenantId,
    clientId,
    clientSecret,
    ...(certificate === undefined ? {} : { certificate }),
    ...(federatedTokenFile === undefined ? {} : { federatedTokenFile }),
    cloud,
    endpoints: resolveEndpoints(
      tenant['endpoints'],
      [...at, 'endpoints'],
      { cloud: CLOUD_ENDPOINTS[cloud], defaults: defaults.endpoints },
      authority,
      sink,
    ),
    intervalMs: timing.interval.ms ?? BUILT_IN.intervalMs,
    timeoutMs: timing.timeout.ms ?? BUILT_IN.timeoutMs(BUILT_IN.intervalMs),
    // Left out when no `http` section applies, as for a config written before it existed.
    ...(http === CONFIG_DEFAULTS.http ? {} : { http }),
    ...(severity ? { severity } : {}),
    ...(events.messages ? { events } : {}),
    ...(credentialExpiry === CONFIG_DEFAULTS.credentialExpiry ? {} : { credentialExpiry }),
  };
}

/**
 * The tenant's login and Graph URLs, each: the one written under the tenant's `endpoints`, else `defaults.endpoints`,
 * else `AZURE_AUTHORITY_HOST` (login only), else the tenant's cloud's. An empty value stands for the cloud's.
 */
function resolveEndpoints(
  raw: unknown,
  at: readonly PathSegment[],
  inherited: { cloud: Endpoints; defaults: Partial<Endpoints> },
  authority: Setting | undefined,
  sink: ProblemSink,
): Endpoints {
  const read = (key: 'login' | 'graph'): string => {
    const cloud = inherited.cloud[key];
    const own = pickSetting(sectionOf(raw), at, key);
    if (own === undefined && inherited.defaults[key] !== undefined) return inherited.defaults[key];
    const setting = own ?? (key === 'login' ? authority : undefined);
    return setting?.raw === '' ? cloud : readEndpointUrl(setting, cloud, sink);
  };
  return { login: read('login'), graph: read('graph') };
}
