import type { Log, LogFields, LogLevel } from '../log.ts';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';
import { REDACTED, scrubText } from '../shared/scrub-text.ts';

/**
 * A credential header written out as `name: value` or `name=value` (a collector or proxy echoing the request):
 * the value is hidden whatever it is, beside the configured values {@link scrubLog} hides wherever they are.
 */
const CREDENTIAL_HEADER =
  /\b((?:proxy-)?authorization|(?:dd-|x-)?api-key|x-honeycomb-team|[\w-]*access-token)(["']?\s*[:=]\s*["']?)((?:bearer|basic)\s+)?[^\s"',;}]+/gi;

/** `text` without the `secrets`, URL credentials, JWTs or credential headers. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return scrubText(hideUrlCredentials(text), secrets).replace(CREDENTIAL_HEADER, `$1$2$3${REDACTED}`);
}

/**
 * `log`, with {@link scrubSecrets} applied to every message and text field: what the exporters, the collector or the
 * OpenTelemetry SDK say goes to the log through it, and the exporter's headers (`api-key`, `dd-api-key`,
 * `Authorization`) must never reach the log, whatever echoes them.
 */
export function scrubLog(log: Log, secrets: readonly string[]): Log {
  const at =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      const scrubbed: Record<string, string | number | boolean | undefined> = {};
      for (const [key, value] of Object.entries(fields))
        scrubbed[key] = typeof value === 'string' ? scrubSecrets(value, secrets) : value;
      log[level](scrubSecrets(message, secrets), scrubbed);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
