import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { ExportResult } from '@opentelemetry/core';
import type { LogFields } from '../log.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';

/** What a failed export says, for the log, the status endpoint and the next delay. */
export interface ExportFailure {
  readonly fields: LogFields;
  /** The `error.type` of the export metrics: the HTTP status, the network error code, `timeout` or `export_failed`. */
  readonly errorType: string;
  /** How long the collector asked to wait (`Retry-After`), if it did. */
  readonly retryAfterMs?: number;
}

const MAX_BODY_CHARS = 200;

/**
 * Describes a failed export to `url`: the exporter's error message, the collector's HTTP status (from the error, or
 * from `observed` when the exporter left it out, as it does for retryable statuses), the network error code, the
 * start of the collector's answer, and what to check when the answer says the configuration is wrong.
 */
export function describeExportFailure(
  result: ExportResult,
  observed: ObservedResponse | undefined,
  url: string,
  now: number,
): ExportFailure {
  const error: (Error & { code?: unknown; data?: unknown }) | undefined = result.error;
  const status = typeof error?.code === 'number' ? error.code : observed?.status;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const reason = error?.message || 'export failed';
  const fields: Record<string, string | number | undefined> = {
    reason,
    status,
    error: code,
    body: typeof error?.data === 'string' && error.data !== '' ? error.data.slice(0, MAX_BODY_CHARS) : undefined,
    retryAfter: observed?.retryAfter,
    hint: exportHint(status, code, url),
  };
  const errorType = status?.toString() ?? code ?? (/did not finish within/.test(reason) ? 'timeout' : 'export_failed');
  const retryAfterMs = parseRetryAfter(observed?.retryAfter, now);
  return retryAfterMs === undefined ? { fields, errorType } : { fields, errorType, retryAfterMs };
}

/** The one thing to check after a collector's answer (or its absence) that the agent cannot fix by trying again. */
export function exportHint(status: number | undefined, code: string | undefined, url: string): string | undefined {
  if (status === 401 || status === 403)
    return 'the collector refuses the credentials: check the API key or Authorization header in exporter.headers or OTEL_EXPORTER_OTLP_HEADERS';
  if (status === 404) {
    const path = new URL(url).pathname;
    return `nothing at ${path}: a base endpoint gets /v1/metrics and /v1/logs appended, a per-signal endpoint is used as given`;
  }
  if (status === 413)
    return 'the request is larger than the collector accepts: raise its limit (the agent sends up to 10,000 points or 512 KiB of events per request)';
  if (code === 'ECONNREFUSED') return 'nothing listens at this address: is the collector running?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  return undefined;
}

/** An HTTP response seen for the watched URL. */
export interface ObservedResponse {
  readonly status: number;
  /** The `Retry-After` header, as sent. */
  readonly retryAfter?: string;
}

/**
 * Watches the responses Node's HTTP client receives for one URL. The OTLP exporters report a retryable failure
 * (429, 502, 503, 504) only as "Export failed with retryable status", without the status; this recovers it.
 */
export interface HttpStatusProbe {
  /** A marker for {@link HttpStatusProbe.lastSince}: the number of responses seen so far. */
  mark(): number;
  /** The last response seen after `mark` was taken, if any. */
  lastSince(mark: number): ObservedResponse | undefined;
  close(): void;
}

const CHANNEL = 'http.client.response.finish';

/** Starts watching responses to requests for `url` (same host, port and path). */
export function probeHttpStatus(url: string): HttpStatusProbe {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  let seen = 0;
  let last: ObservedResponse | undefined;
  const listener = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (request.path !== path || request.getHeader('host') !== target.host || response.statusCode === undefined) return;
    seen++;
    const retryAfter = response.headers['retry-after'];
    last = { status: response.statusCode, ...(retryAfter === undefined ? {} : { retryAfter }) };
  };
  subscribe(CHANNEL, listener);
  return {
    mark: () => seen,
    lastSince: (mark) => (seen > mark ? last : undefined),
    close: () => {
      unsubscribe(CHANNEL, listener);
    },
  };
}
