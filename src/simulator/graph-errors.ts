import type { ServerResponse } from 'node:http';
import type { WireGraphError } from '../graph/wire.ts';
import { sendJson } from './http-io.ts';

/** A Graph failure: HTTP status, Graph's error code and message. */
export type GraphFailure = ReturnType<typeof graphFailure>;

const MISSING_ROLE = "Missing role permissions on the request. API requires one of '$1'. Roles on the request ''.";

/** Graph's failures, each as `status code message`; `$1` stands for the argument given to {@link graphFailure}. */
const FAILURES = {
  emptyToken: '401 InvalidAuthenticationToken Access token is empty.',
  malformedToken: '401 InvalidAuthenticationToken IDX14100: JWT is not well formed, there are no dots (.).',
  expiredToken: '401 InvalidAuthenticationToken Lifetime validation failed, the token is expired.',
  missingRole: `403 Forbidden ${MISSING_ROLE}`,
  methodNotAllowed: '405 BadRequest Specified HTTP method is not allowed for the request uri.',
  segmentNotFound: "400 BadRequest Resource not found for the segment '$1'.",
  notFound: '404 NotFound $1 was not found.',
  /** The directory's answer for an object it does not hold, e.g. an application by an appId registered elsewhere. */
  resourceNotFound:
    "404 Request_ResourceNotFound Resource '$1' does not exist or one of its queried reference-property objects are not present.",
  badQuery: '400 BadRequest $1',
  throttled: '429 TooManyRequests Too many requests. Please retry after the time in the Retry-After header.',
  unknownError: '500 UnknownError An unexpected error occurred.',
  badGateway: '502 BadGateway The upstream service returned an invalid response.',
  unavailable: '503 ServiceUnavailable The service is temporarily unavailable. Please retry later.',
  gatewayTimeout: '504 GatewayTimeout The upstream service did not answer in time.',
} as const;

/** A failure of {@link FAILURES} by name, `$1` replaced by `argument`. */
export function graphFailure(name: keyof typeof FAILURES, argument = '') {
  const [status, code, ...words] = FAILURES[name].split(' ');
  return { status: Number(status), code, message: words.join(' ').replace('$1', () => argument) };
}

/** Sends a Graph error, with the request id and date in `innerError`; 401s carry Graph's Bearer challenge. */
export function sendGraphError(
  res: ServerResponse,
  failure: GraphFailure,
  requestId: string,
  now: number,
  extra: Record<string, string> = {},
): void {
  const date = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const innerError = { date, 'request-id': requestId, 'client-request-id': requestId };
  const body: WireGraphError = { error: { code: failure.code, message: failure.message, innerError } };
  const challenge: Record<string, string> = failure.status === 401 ? { 'www-authenticate': BEARER_CHALLENGE } : {};
  sendJson(res, failure.status, body, { ...graphHeaders(requestId), ...challenge, ...extra });
}

const BEARER_CHALLENGE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

/** Headers Graph puts on every answer. */
export function graphHeaders(requestId: string): Record<string, string> {
  return {
    'request-id': requestId,
    'client-request-id': requestId,
    'cache-control': 'no-cache',
    'odata-version': '4.0',
  };
}

/** The content type of Graph's JSON answers. */
export const GRAPH_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
