import type { ServerResponse } from 'node:http';
import type { WireGraphError } from '../graph/wire.ts';
import { sendJson } from './http-io.ts';

/** A Graph failure: HTTP status, Graph's error code and message. */
export interface GraphFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Graph's error body, with the request id and date in `innerError`. */
export function graphErrorBody(failure: GraphFailure, requestId: string, now: number): WireGraphError {
  const date = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    error: {
      code: failure.code,
      message: failure.message,
      innerError: { date, 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}

/** Sends a Graph error; 401s carry Graph's Bearer challenge. */
export function sendGraphError(res: ServerResponse, failure: GraphFailure, requestId: string, now: number): void {
  const challenge: Record<string, string> = failure.status === 401 ? { 'www-authenticate': BEARER_CHALLENGE } : {};
  sendJson(res, failure.status, graphErrorBody(failure, requestId, now), { ...graphHeaders(requestId), ...challenge });
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

export const emptyToken: GraphFailure = {
  status: 401,
  code: 'InvalidAuthenticationToken',
  message: 'Access token is empty.',
};
export const malformedToken: GraphFailure = {
  status: 401,
  code: 'InvalidAuthenticationToken',
  message: 'IDX14100: JWT is not well formed, there are no dots (.).',
};
export const expiredToken: GraphFailure = {
  status: 401,
  code: 'InvalidAuthenticationToken',
  message: 'Lifetime validation failed, the token is expired.',
};
export const missingPermission: GraphFailure = {
  status: 403,
  code: 'Forbidden',
  message:
    "Missing role permissions on the request. API requires one of 'ServiceHealth.Read.All'. Roles on the request ''.",
};
export const missingMessagePermission: GraphFailure = {
  status: 403,
  code: 'Forbidden',
  message:
    "Missing role permissions on the request. API requires one of 'ServiceMessage.Read.All'. Roles on the request ''.",
};
export const methodNotAllowed: GraphFailure = {
  status: 405,
  code: 'BadRequest',
  message: 'Specified HTTP method is not allowed for the request uri.',
};

export const segmentNotFound = (segment: string): GraphFailure => ({
  status: 400,
  code: 'BadRequest',
  message: `Resource not found for the segment '${segment}'.`,
});
export const notFound = (what: string): GraphFailure => ({
  status: 404,
  code: 'NotFound',
  message: `${what} was not found.`,
});
export const badQuery = (message: string): GraphFailure => ({ status: 400, code: 'BadRequest', message });
