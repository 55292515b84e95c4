import { inspect } from 'node:util';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Log } from '../log.ts';
import { scrubLog } from './scrubbed-log.ts';

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
