import type { AssertionAlgorithm } from '../certificate/client-certificate.ts';
import type { SeverityTexts } from '../health/severity-rules.ts';
import type { Secret } from '../shared/secret.ts';

/** Microsoft clouds and their identity and Graph hosts. */
export type CloudName = 'global' | 'usgov' | 'usgovdod' | 'china';

export interface Endpoints {
  /** Identity platform base URL, e.g. `https://login.microsoftonline.com` (no trailing slash). */
  login: string;
  /** Microsoft Graph base URL, e.g. `https://graph.microsoft.com` (no trailing slash). */
  graph: string;
}

export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** The signals exported over OTLP: gauges and counters, and events (log records). */
export type OtlpSignal = 'metrics' | 'logs';

/**
 * Where and how telemetry is exported: the settings of every signal (the file's `exporter` section and the
 * `OTEL_EXPORTER_OTLP_*` variables), and for each signal what its own variables (`OTEL_EXPORTER_OTLP_METRICS_*`,
 * `…_LOGS_*`) change. `exportTarget` of `config/exporter.ts` puts the two together.
 */
export interface ExporterConfig {
  /** Base URL; `/v1/metrics` and `/v1/logs` are appended unless a signal has its own URL. */
  endpoint: string;
  protocol: OtlpProtocol;
  headers: Readonly<Record<string, string>>;
  /** Metric export interval, milliseconds. */
  intervalMs: number;
  /** Timeout of one export request, milliseconds. */
  timeoutMs: number;
  compression: 'none' | 'gzip';
  temporality: Temporality;
  /** TLS to the collector; absent: Node's CAs and no client certificate. */
  tls?: ExporterTls;
  /** What the metrics' own variables change; absent when none is set. */
  metrics?: SignalSettings;
  /** What the logs' (events') own variables change; absent when none is set. */
  logs?: SignalSettings;
  /** Bound on one collection of the metrics and each of its requests (`OTEL_METRIC_EXPORT_TIMEOUT`), milliseconds. */
  exportTimeoutMs?: number;
  /** `OTEL_SDK_DISABLED=true`: nothing is exported over OTLP (the agent still polls and serves its endpoints). */
  disabled?: true;
}

/**
 * The aggregation temporality preference of the OTLP metrics exporter, as the OpenTelemetry specification defines
 * it per instrument kind: `delta` for counters and histograms (up-down counters stay cumulative), `lowmemory` delta
 * for synchronous counters and histograms only.
 */
export type Temporality = 'cumulative' | 'delta' | 'lowmemory';

/** A signal's own settings: its full URL (used as given), and any other setting its own variables change. */
export type SignalSettings = Partial<OtlpTarget>;

/** Everything one signal's exporter needs: the settings of every signal with the signal's own over them. */
export interface OtlpTarget {
  /** The full URL requests are sent to. */
  url: string;
  protocol: OtlpProtocol;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  compression: 'none' | 'gzip';
  tls: ExporterTls | undefined;
}

/** TLS material for the connection to the collector, read when the configuration is loaded. */
export interface ExporterTls {
  /** PEM certificates of the CAs that verify the collector, instead of Node's built-in ones. */
  ca: string | undefined;
  /** PEM client certificate chain for mutual TLS (always with `key`). */
  cert: string | undefined;
  /** PEM private key of the client certificate. */
  key: Secret | undefined;
}

/** The optional events of a tenant. */
export interface TenantEvents {
  /** `m365.message.update` from the message center (needs ServiceMessage.Read.All). */
  messages: boolean;
}

/** How the expiry of the credential a tenant signs in with is watched (`credential_expiry`). */
export interface CredentialExpirySettings {
  /** Read the app's secrets from Graph (Application.Read.All, in `homeTenant`). */
  readApp: boolean;
  /** The tenant where the app is registered (GUID or domain); undefined: the tenant itself. */
  homeTenant: string | undefined;
  /** Lead times of the `m365.credential.expiring` warnings, in days, longest first. */
  warnBeforeDays: readonly number[];
}

export interface TenantConfig {
  /** Unique label. */
  name: string;
  /** Tenant GUID or domain name. */
  tenantId: string;
  clientId: string;
  clientSecret: Secret | undefined;
  /** The certificate credential, checked when the configuration was loaded and read again to sign. */
  certificate?: TenantCertificate | undefined;
  /** Absolute path of a federated token (workload identity), read afresh for every token request. */
  federatedTokenFile?: string | undefined;
  cloud: CloudName;
  endpoints: Endpoints;
  /** Poll interval, milliseconds. */
  intervalMs: number;
  /** Timeout of one poll, milliseconds. */
  timeoutMs: number;
  /** Proxy and CA settings for the identity platform and Graph (the tenant's `http`, then the top-level one). */
  http?: HttpSettings | undefined;
  /** The `severity` expression texts, checked at load; absent: the built-in rule (`evaluateServiceHealth`). */
  severity?: SeverityTexts;
  /** Optional events; absent: none. */
  events?: TenantEvents;
  /** Absent: the built-in settings (`CONFIG_DEFAULTS.credentialExpiry`). */
  credentialExpiry?: CredentialExpirySettings;
}

/**
 * A client certificate file and the signature algorithm of its assertions: where to read the certificate and its
 * private key, never the key itself. `auth/` reads the file when it signs a client assertion.
 */
export interface TenantCertificate {
  /** Absolute path of the PEM or PKCS#12 file. */
  path: string;
  /** Password of an encrypted PEM key or of the PKCS#12 file. */
  password: Secret | undefined;
  /** `PS256` unless the config asks for `RS256`. */
  algorithm: AssertionAlgorithm;
}

/**
 * The `http` section. Unset keys fall back to the environment at run time (`HTTPS_PROXY`, `HTTP_PROXY`,
 * `NO_PROXY`); TLS is always verified.
 */
export interface HttpSettings {
  /** Proxy for both http and https; may carry credentials, hence a {@link Secret}. */
  proxy: Secret | undefined;
  /** Hosts reached without the proxy, `NO_PROXY` syntax. */
  noProxy: string | undefined;
  /** Absolute path of the CA bundle, and its PEM content, trusted besides the default CAs. */
  caFile: string | undefined;
  ca: string | undefined;
}

export interface ServerConfig {
  host: string;
  port: number;
}

export interface MetricToggle {
  enabled: boolean;
}

/** The validated, defaulted and frozen configuration of the agent. */
export interface Config {
  exporter: ExporterConfig;
  tenants: readonly TenantConfig[];
  /** Per-metric switches, keyed by metric name. */
  metrics: Readonly<Record<string, MetricToggle>>;
  /** Extra resource attributes (from `OTEL_RESOURCE_ATTRIBUTES` and the config). */
  resource: Readonly<Record<string, string>>;
  /** `service.name` of the resource (`OTEL_SERVICE_NAME` or `m365-health`). */
  serviceName: string;
  /** Where per-tenant state is kept; undefined keeps it in memory only. */
  stateDir: string | undefined;
  /** Most bytes of events the outbox may hold (`state.spool_max_size`) before dropping the oldest. */
  spoolMaxBytes: number;
  /** The HTTP endpoint (`/healthz`, `/readyz`, `/status`, the status page); undefined turns it off. */
  server?: ServerConfig;
  /** Non-fatal remarks found while loading (e.g. a poll interval under one minute). */
  warnings: readonly string[];
  /** The partner tenants whose delegated admin customers are polled too (`tenants_from`); absent: none. */
  customerSources?: readonly CustomerSource[];
}

/** A `delegated_admin_customers` entry of `tenants_from`: a partner tenant whose customers become tenants. */
export interface CustomerSource {
  /** Its index in `tenants_from`. */
  index: number;
  /**
   * The partner tenant and how its app signs in there; each customer is polled with these settings. Its name
   * (`tenants_from[i]`) only labels it: the partner is not polled unless a tenant of the file names it.
   */
  partner: TenantConfig;
  /** How often the customers are listed again, milliseconds. */
  refreshMs: number;
  /** Patterns of the customers kept (all when empty) and of those left out. */
  include: readonly string[];
  exclude: readonly string[];
}

/** One problem found in a config file, located in the YAML source. */
export interface ConfigProblem {
  /** Dotted YAML path, e.g. `tenants[1].client_id`. */
  path: string;
  /** 1-based line and column in the file, when known. */
  line: number | undefined;
  column: number | undefined;
  message: string;
  /** The file the problem is in. */
  file: string;
}
