import type { ServerResponse } from 'node:http';
import { entraFailure, sendEntraError } from './entra-errors.ts';
import { graphFailure, sendGraphError } from './graph-errors.ts';
import { sendText } from './http-io.ts';

/** Which requests a fault hits: a path prefix and/or a tenant (by scenario name, GUID or domain). */
export interface FaultMatch {
  /** Only requests whose path starts with this (e.g. `/v1.0/`, `/11111111-…/oauth2`). */
  readonly path?: string;
  readonly tenant?: string;
  /** How many requests it hits; default 1, `Infinity` until cleared. */
  readonly count?: number;
}

/** An HTTP error, Graph- or Entra-shaped after the path, with an optional `Retry-After` (seconds or HTTP-date). */
export interface StatusFault extends FaultMatch {
  readonly status: 429 | 500 | 502 | 503 | 504;
  readonly retryAfter?: string;
}

/** A broken body: an HTML page, JSON cut in the middle, nothing, or text announced as JSON. */
export interface BodyFault extends FaultMatch {
  readonly body: 'html' | 'truncated' | 'empty' | 'not-json';
  readonly status?: number;
}

/** Never answers, until the simulator closes. */
export interface HangFault extends FaultMatch {
  readonly hang: true;
}

/** Destroys the connection without an answer. */
export interface ResetFault extends FaultMatch {
  readonly reset: true;
}

/** Makes the tenant's tokens expire, then serves the request normally. */
export interface ExpireTokensFault extends FaultMatch {
  readonly expireTokens: true;
}

export type Fault = StatusFault | BodyFault | HangFault | ResetFault | ExpireTokensFault;

/** A queued fault, to see how many hits it has left or to withdraw it. */
export interface FaultHandle {
  readonly remaining: () => number;
  readonly cancel: () => void;
}

interface QueuedFault {
  readonly fault: Fault;
  /** Scenario name of the tenant it is limited to. */
  readonly tenant: string | undefined;
  remaining: number;
}

/** Faults waiting for the requests they match, oldest first. */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  /** Queues a fault; `tenant` is the scenario name the fault's tenant resolved to. */
  add(fault: Fault, tenant: string | undefined): FaultHandle {
    const count = fault.count ?? 1;
    if (!(count >= 1)) throw new RangeError(`fault count must be at least 1, got ${String(fault.count)}`);
    const entry: QueuedFault = { fault, tenant, remaining: count };
    this.#queue.push(entry);
    return {
      remaining: () => entry.remaining,
      cancel: () => {
        entry.remaining = 0;
        this.#queue = this.#queue.filter((e) => e !== entry);
      },
    };
  }

  /** The first fault matching this request, counted as used. */
  take(path: string, tenant: string | undefined): Fault | undefined {
    const entry = this.#queue.find(
      (e) =>
        (e.fault.path === undefined || path.startsWith(e.fault.path)) &&
        (e.tenant === undefined || e.tenant === tenant),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue = this.#queue.filter((e) => e !== entry);
    return entry.fault;
  }

  clear(): void {
    for (const entry of this.#queue) entry.remaining = 0;
    this.#queue = [];
  }
}

/** A short name of the fault, for the request log. */
export function describeFault(fault: Fault): string {
  if ('hang' in fault) return 'hang';
  if ('reset' in fault) return 'reset';
  if ('expireTokens' in fault) return 'expireTokens';
  if ('body' in fault) return `body:${fault.body}`;
  return `status:${fault.status}`;
}

const GRAPH_FAULTS = {
  429: 'throttled',
  500: 'unknownError',
  502: 'badGateway',
  503: 'unavailable',
  504: 'gatewayTimeout',
} as const;
const ENTRA_FAULTS = {
  429: 'throttled',
  500: 'serverError',
  502: 'serverError',
  503: 'unavailable',
  504: 'unavailable',
} as const;

/** Answers an injected status fault in the dialect of the endpoint (Graph below `/v1.0/`, Entra elsewhere). */
export function sendStatusFault(
  res: ServerResponse,
  fault: StatusFault,
  graph: boolean,
  requestId: string,
  now: number,
): void {
  const retry: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
  if (graph) {
    const failure = graphFailure(GRAPH_FAULTS[fault.status] ?? 'unknownError');
    return sendGraphError(res, { ...failure, status: fault.status }, requestId, now, retry);
  }
  const failure = entraFailure(ENTRA_FAULTS[fault.status] ?? 'serverError');
  sendEntraError(res, { ...failure, status: fault.status }, now, retry);
}

const ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head>' +
  '<body><h1>Service Unavailable</h1><p>The service is temporarily unavailable.</p></body></html>';
const PROXY_TEXT = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination';
const WHOLE_GRAPH_BODY =
  '{"@odata.context":"$metadata#admin/serviceAnnouncement/healthOverviews",' +
  '"value":[{"service":"Exchange Online","status":"serviceOperational","id":"Exchange"}]}';
const WHOLE_TOKEN_BODY = '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"truncated"}';

/** Answers an injected broken body. */
export function sendBodyFault(res: ServerResponse, fault: BodyFault, graph: boolean): void {
  const status = fault.status ?? 200;
  const json = { 'content-type': 'application/json; charset=utf-8' };
  if (fault.body === 'html') return sendText(res, status, ERROR_PAGE, { 'content-type': 'text/html; charset=utf-8' });
  if (fault.body === 'empty') return sendText(res, status, '', json);
  if (fault.body === 'not-json') return sendText(res, status, PROXY_TEXT, json);
  const whole = graph ? WHOLE_GRAPH_BODY : WHOLE_TOKEN_BODY;
  sendText(res, status, whole.slice(0, Math.floor(whole.length / 2)), json);
}
