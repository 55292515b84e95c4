/**
 * Configuration types of the telemetry options (severity rules, optional events, TLS to the collector), merged
 * into the interfaces of `types.ts`. Every field is optional there: configurations built in code (the demo, tests)
 * need not name them, and the loader sets them.
 */
import type { SeverityRules } from '../health/severity-rules.ts';
import type { Secret } from './secret.ts';

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

declare module './types.ts' {
  interface ExporterConfig {
    /** TLS to the collector; absent: Node's CAs and no client certificate. */
    tls?: ExporterTls;
  }
  interface TenantConfig {
    /** Compiled `severity` expressions; absent: the built-in rule (`evaluateServiceHealth`). */
    severity?: SeverityRules;
    /** Optional events; absent: none. */
    events?: TenantEvents;
  }
}
