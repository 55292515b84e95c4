import { inspect } from 'node:util';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Log, LogFields, LogLevel } from '../log.ts';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';
import { REDACTED, scrubText } from '../shared/scrub-text.ts';

export interface DiagRouteOptions {
  readonly log: Log;
  readonly clock: () => number;
  /** At most one line of a given message per this many ms; the next one counts those left out. */
  readonly periodMs: number;
  /** Values never to print: the exporter's header values. */
  readonly secrets: readonly string[];
}

/** Longest text of one diagnostic written to the log. */
const MAX_CHARS = 500;

/** Distinct messages remembered for the rate limit; past this the memory starts over. */
const MAX_KINDS = 200;

/**
 * Routes the OpenTelemetry SDK's own warnings and errors (its `diag` channel, silent unless a logger is set) to the
 * agent's log, secrets scrubbed: each kind of message (its first argument) the first time, then at most once per
 * `periodMs` with the count of those left out. Returns the function that unroutes them. The agent's process owns the
 * global diag logger: whoever starts the telemetry routes it, and unroutes it when the telemetry stops.
 *
 * Export failures are not among them: the export watch sees each export's result, and logs it (with the
 * collector's status, a hint and the recovery) where the SDK's own lines would only say that one failed.
 */
export function routeDiagnostics(options: DiagRouteOptions): () => void {
  const log = scrubLog(options.log, options.secrets);
  const seen = new Map<string, { loggedAt: number; left: number }>();
  const write =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]): void => {
      const now = options.clock();
      const kind = seen.get(message);
      if (kind && now - kind.loggedAt < options.periodMs) {
        kind.left++;
        return;
      }
      if (seen.size >= MAX_KINDS) seen.clear();
      seen.set(message, { loggedAt: now, left: 0 });
      const text = [message, ...args.map(describeArgument)].join(' ').slice(0, MAX_CHARS);
      log[level](`OpenTelemetry SDK: ${text}`, kind && kind.left > 0 ? { suppressed: kind.left } : {});
    };
  const ignore = (): void => {};
  const logger: DiagLogger = {
    error: write('error'),
    warn: write('warn'),
    info: ignore,
    debug: ignore,
    verbose: ignore,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return () => diag.disable();
}

function describeArgument(argument: unknown): string {
  if (typeof argument === 'string') return argument;
  if (argument instanceof Error) return argument.message;
  return inspect(argument, { depth: 2, breakLength: Infinity, maxStringLength: MAX_CHARS });
}

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
