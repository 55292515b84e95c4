import type { ServerResponse } from 'node:http';
import { entraErrorBody, entraFailure, entraHeaders } from './entra-errors.ts';
import type { BodyFault, StatusFault } from './faults.ts';
import { graphErrorBody, graphHeaders } from './graph-errors.ts';
import { sendJson, sendText } from './http-io.ts';

const TRANSIENT = 'A transient error has occurred. Please try again.';
const THROTTLED = 'TenantThrottlingError: There are too many incoming requests. This request was throttled.';
const ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head>' +
  '<body><h1>Service Unavailable</h1><p>The service is temporarily unavailable.</p></body></html>';
const PROXY_TEXT = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination';
const WHOLE_GRAPH_BODY =
  '{"@odata.context":"$metadata#admin/serviceAnnouncement/healthOverviews",' +
  '"value":[{"service":"Exchange Online","status":"serviceOperational","id":"Exchange"}]}';
const WHOLE_TOKEN_BODY = '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"truncated"}';

const GRAPH_CODES: Readonly<Record<number, [string, string]>> = {
  429: ['TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.'],
  500: ['UnknownError', 'An unexpected error occurred.'],
  502: ['BadGateway', 'The upstream service returned an invalid response.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The upstream service did not answer in time.'],
};
const ENTRA_CODES: Readonly<Record<number, [string, number, string]>> = {
  429: ['temporarily_unavailable', 90055, THROTTLED],
  500: ['server_error', 90033, TRANSIENT],
  502: ['server_error', 90033, TRANSIENT],
  503: ['temporarily_unavailable', 90033, TRANSIENT],
  504: ['temporarily_unavailable', 90033, TRANSIENT],
};

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
    const [code, message] = GRAPH_CODES[fault.status] ?? ['UnknownError', 'An unexpected error occurred.'];
    const body = graphErrorBody({ status: fault.status, code, message }, requestId, now);
    return sendJson(res, fault.status, body, { ...graphHeaders(requestId), ...retry });
  }
  const [error, code, description] = ENTRA_CODES[fault.status] ?? ['server_error', 90033, TRANSIENT];
  const body = entraErrorBody(entraFailure(fault.status, error, code, description), now);
  sendJson(res, fault.status, body, { ...entraHeaders(), ...retry });
}

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
