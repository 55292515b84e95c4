import type { ServerResponse } from 'node:http';
import { entraFailure, sendEntraError } from './http-answers.ts';
import { graphFailure, sendGraphError } from './http-answers.ts';
import { sendText } from './http-answers.ts';

/**
 * A fault to inject: which requests it hits (a path prefix and/or a tenant by scenario name, GUID or domain), and
 * how: an HTTP error (`status`, Graph- or Entra-shaped after the path, with an optional `Retry-After` in seconds or
 * as an HTTP-date), a broken `body` (an HTML page, JSON cut in the middle, nothing, or text announced as JSON), a
 * `hang` until the simulator closes, a `reset` of the connection, or `expireTokens` of the tenant before the request
 * is served normally.
 */
export type Fault = {
  /** Only requests whose path starts with this (e.g. `/v1.0/`, `/11111111-…/oauth2`). */
  readonly path?: string;
  readonly tenant?: string;
  /** How many requests it hits; default 1, `Infinity` until cleared. */
  readonly count?: number;
} & (
  | { readonly status: 429 | 500 | 502 | 503 | 504; readonly retryAfter?: string }
  | { readonly body: 'html' | 'truncated' | 'empty' | 'not-json'; readonly status?: number }
  | { readonly hang: true }
  | { readonly reset: true }
  | { readonly expireTokens: true }
);

/** A queued fault, to see how many hits it has left or to withdraw it. */
export type FaultHandle = ReturnType<FaultQueue['add']>;

/** A queued fault; `tenant` is the scenario name its tenant resolved to. */
interface QueuedFault {
  readonly fault: Fault;
  readonly tenant: string | undefined;
  remaining: number;
}

/** Faults waiting for the requests they match, oldest first. */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  /** Queues a fault; `tenant` is the scenario name the fault's tenant resolved to. */
  add(fault: Fault, tenant: string | undefined) {
    const count = fault.count ?? 1;
    if (!(count >= 1)) throw new RangeError(`fault count must be at least 1, got ${String(fault.count)}`);
    const entry: QueuedFault = { fault, tenant, remaining: count };
    this.#queue.push(entry);
    return { remaining: () => entry.remaining, cancel: () => this.#drop(entry) };
  }

  /** The first fault matching this request, counted as used. */
  take(path: string, tenant: string | undefined): Fault | undefined {
    const entry = this.#queue.find(
      (e) => path.startsWith(e.fault.path ?? '') && (e.tenant === undefined || e.tenant === tenant),
    );
    if (entry && --entry.remaining <= 0) this.#drop(entry);
    return entry?.fault;
  }

  clear(): void {
    for (const entry of this.#queue) this.#drop(entry);
  }

  #drop(entry: QueuedFault): void {
    entry.remaining = 0;
    this.#queue = this.#queue.filter((e) => e !== entry);
  }
}

/** A short name of the fault, for the request log. */
export function describeFault(fault: Fault): string {
  if ('hang' in fault) return 'hang';
  if ('reset' in fault) return 'reset';
  if ('expireTokens' in fault) return 'expireTokens';
  return 'body' in fault ? `body:${fault.body}` : `status:${fault.status}`;
}

/** Graph's and Entra's failures for each injected status. */
const ANSWERS = {
  429: ['throttled', 'throttled'],
  500: ['unknownError', 'serverError'],
  502: ['badGateway', 'serverError'],
  503: ['unavailable', 'unavailable'],
  504: ['gatewayTimeout', 'unavailable'],
} as const;

const ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head>' +
  '<body><h1>Service Unavailable</h1><p>The service is temporarily unavailable.</p></body></html>';
const PROXY_TEXT = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination';
const WHOLE_GRAPH_BODY =
  '{"@odata.context":"$metadata#admin/serviceAnnouncement/healthOverviews",' +
  '"value":[{"service":"Exchange Online","status":"serviceOperational","id":"Exchange"}]}';
const WHOLE_TOKEN_BODY = '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"truncated"}';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** Answers an injected status fault in the dialect of the endpoint (Graph below `/v1.0/`, Entra elsewhere). */
export function sendStatusFault(
  res: ServerResponse,
  fault: Fault & { status: number; retryAfter?: string },
  graph: boolean,
  requestId: string,
  now: number,
): void {
  const retry: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
  const [graphName, entraName] = ANSWERS[fault.status as keyof typeof ANSWERS] ?? ANSWERS[500];
  if (graph) sendGraphError(res, { ...graphFailure(graphName), status: fault.status }, requestId, now, retry);
  else sendEntraError(res, { ...entraFailure(entraName), status: fault.status }, now, retry);
}

export function sendBodyFault(
  res: ServerResponse,
  fault: Fault & { body: string; status?: number },
  graph: boolean,
): void {
  const status = fault.status ?? 200;
  const whole = graph ? WHOLE_GRAPH_BODY : WHOLE_TOKEN_BODY;
  if (fault.body === 'html') return sendText(res, status, ERROR_PAGE, { 'content-type': 'text/html; charset=utf-8' });
  if (fault.body === 'empty') return sendText(res, status, '', JSON_TYPE);
  if (fault.body === 'not-json') return sendText(res, status, PROXY_TEXT, JSON_TYPE);
  sendText(res, status, whole.slice(0, Math.floor(whole.length / 2)), JSON_TYPE);
}
