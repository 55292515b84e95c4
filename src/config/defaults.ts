import { DEFAULT_SEVERITY_TEXTS } from '../health/severity-rules.ts';
import type { CloudName, Endpoints } from './types.ts';

/** A timeout of `fixedMs`, or the interval when shorter: no interval the docs allow needs a timeout beside it. */
function atMostInterval(fixedMs: number): (intervalMs: number) => number {
  return (intervalMs) => Math.min(fixedMs, intervalMs);
}

/**
 * Every built-in default of the configuration, by section of the file: what a setting is when neither the file nor
 * (where one applies) its environment variable sets it. The resolvers read them here and nowhere else.
 */
export const CONFIG_DEFAULTS = Object.freeze({
  /** Used when neither the file nor the `OTEL_EXPORTER_OTLP_*` variables set a key. */
  exporter: Object.freeze({
    /** An OpenTelemetry Collector on this machine. */
    endpoint: 'http://localhost:4318',
    protocol: 'http/protobuf',
    headers: Object.freeze({}) as Readonly<Record<string, string>>,
    intervalMs: 60_000,
    timeoutMs: atMostInterval(10_000),
    compression: 'none',
    temporality: 'cumulative',
  }),
  /** `defaults`, and through it every tenant. */
  tenant: Object.freeze({
    intervalMs: 300_000,
    /** A timeout written in `defaults` is kept as written. */
    timeoutMs: atMostInterval(30_000),
    /** Unless a single tenant's `AZURE_AUTHORITY_HOST` names another. */
    cloud: 'global',
    certificateAlgorithm: 'PS256',
    /** The built-in `severity` rule's expression texts, for keys neither the tenant nor `defaults.severity` sets. */
    severity: DEFAULT_SEVERITY_TEXTS,
  }),
  /** `credential_expiry`: no Graph read of the app (it needs Application.Read.All), warnings 30 and 7 days ahead. */
  credentialExpiry: Object.freeze({
    readApp: false,
    homeTenant: undefined,
    warnBeforeDays: Object.freeze([30, 7]),
  }),
  /** `events` (top-level, then each tenant's): optional events are off. */
  events: Object.freeze({ messages: false }),
  /** No proxy and no extra CA, so the environment (`HTTPS_PROXY`, `NO_PROXY`) decides at run time. */
  http: Object.freeze({ proxy: undefined, noProxy: undefined, caFile: undefined, ca: undefined }),
  /** No `state.dir` keeps state in memory only; the events waiting in the outbox, all tenants together: 64 MiB. */
  state: Object.freeze({ spoolMaxBytes: 64 * 1024 * 1024 }),
  /** An absent `server` turns the HTTP endpoint off; a present one listens on loopback only unless told. */
  server: Object.freeze({ listen: '127.0.0.1:13133' }),
  /** The resource's `service.name` when neither the file nor `OTEL_SERVICE_NAME` sets it. */
  resource: Object.freeze({ serviceName: 'm365-health' }),
});

/** Login and Graph hosts of each Microsoft cloud (GCC is global, GCC High is usgov, DoD is usgovdod). */
export const CLOUD_ENDPOINTS: Readonly<Record<CloudName, Endpoints>> = Object.freeze({
  global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  usgovdod: { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
  china: { login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
});

export const CLOUD_NAMES = Object.keys(CLOUD_ENDPOINTS) as CloudName[];

/**
 * The Azure SDK's environment variables, read as fallbacks when the config has a single tenant (the way the Azure
 * SDK's `EnvironmentCredential` and `WorkloadIdentityCredential` read them, e.g. as set by the AKS workload identity
 * webhook).
 */
export const AZURE = Object.freeze({
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  certificatePath: 'AZURE_CLIENT_CERTIFICATE_PATH',
  certificatePassword: 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  federatedTokenFile: 'AZURE_FEDERATED_TOKEN_FILE',
  authorityHost: 'AZURE_AUTHORITY_HOST',
});

/**
 * The cloud whose login host `authorityHost` is (`https://login.microsoftonline.us/` → `usgov`: GCC High and DoD
 * share it; set `cloud: usgovdod` for DoD's Graph), or undefined for another host.
 */
export function cloudOfAuthorityHost(authorityHost: string): CloudName | undefined {
  const origin = URL.parse(authorityHost)?.origin;
  return CLOUD_NAMES.find((name) => CLOUD_ENDPOINTS[name].login === origin);
}
