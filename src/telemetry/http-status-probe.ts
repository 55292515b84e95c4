import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

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
