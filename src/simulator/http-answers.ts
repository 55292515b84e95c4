import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireGraphError, WireTokenError } from '../graph/wire.ts';

const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The origin the client used (from its Host header), so that issuer, endpoints and next links match what it
 * called whether it said `localhost`, `127.0.0.1` or a container name; `fallback` when the header is odd.
 */
export function originOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && SAFE_HOST.test(host) ? `http://${host}` : fallback;
}

/** Reads a request body as text, up to 64 KiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON answer with an explicit length; `headers` may name another JSON content type. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  sendText(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** Sends a text answer with an explicit length. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/** A Graph failure: HTTP status, Graph's error code and message. */
export type GraphFailure = ReturnType<typeof graphFailure>;

const MISSING_ROLE = "Missing role permissions on the request. API requires one of '$1'. Roles on the request ''.";

/** Graph's failures, each as `status code message`; `$1` stands for the argument given to {@link graphFailure}. */
const GRAPH_FAILURES = {
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

/** A failure of {@link GRAPH_FAILURES} by name, `$1` replaced by `argument`. */
export function graphFailure(name: keyof typeof GRAPH_FAILURES, argument = '') {
  const [status, code, ...words] = GRAPH_FAILURES[name].split(' ');
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

/** One error of the identity platform: HTTP status, OAuth error, AADSTS code and the description's first line. */
export type EntraFailure = ReturnType<typeof entraFailure>;

/**
 * The identity platform's failures, each as `status error AADSTS-code description` in Entra's own words; `$1`, `$2`
 * stand for the arguments given to {@link entraFailure}.
 */
const ENTRA_FAILURES = {
  unknownTenant:
    "400 invalid_tenant 90002 Tenant '$1' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  malformedTenant:
    "400 invalid_request 900023 Specified tenant identifier '$1' is neither a valid DNS name, nor a valid external domain.",
  missingParameter: "400 invalid_request 900144 The request body must contain the following parameter: '$1'.",
  unsupportedGrant: "400 unsupported_grant_type 70003 The app requested an unsupported grant type '$1'.",
  unknownClient:
    "400 unauthorized_client 700016 Application with identifier '$1' was not found in the directory '$2'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  missingServicePrincipal:
    '401 invalid_client 7000229 The client application $1 is missing service principal in the tenant $2. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119',
  invalidScope:
    "400 invalid_scope 70011 The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope $1 is not valid.",
  unknownResource:
    '400 invalid_resource 500011 The resource principal named $1 was not found in the tenant named $2. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  missingCredential:
    "401 invalid_client 7000218 The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  invalidSecret:
    "401 invalid_client 7000215 Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '$1'.",
  expiredSecret:
    "401 invalid_client 7000222 The provided client secret keys for app '$1' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  assertionRejected:
    "401 invalid_client 700027 The certificate with identifier used to sign the client assertion is not registered on application '$1'.",
  assertionKeyNotFound:
    "401 invalid_client 700027 Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '$1']",
  assertionBadSignature:
    '401 invalid_client 700027 Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]',
  malformedAssertion: '400 invalid_request 50027 JWT token is invalid or malformed. $1',
  wrongAssertionType:
    "400 invalid_request 50027 Invalid client_assertion_type '$1': expected urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
  assertionAudience: '401 invalid_client 50012 Client assertion audience claim does not match Realm issuer.',
  assertionClientMismatch:
    "401 invalid_client 700021 Client assertion application identifier doesn't match 'client_id' parameter.",
  assertionOutsideValidity: '401 invalid_client 700024 Client assertion is not within its valid time range.',
  assertionReplayed:
    '401 invalid_client 50027 JWT token is invalid or malformed. The client assertion (jti) was already used.',
  federationIssuer:
    "400 invalid_request 700211 No matching federated identity record found for presented assertion issuer '$1'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
  federationSubject:
    "400 invalid_request 700213 No matching federated identity record found for presented assertion subject '$1'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
  federationAudience:
    "400 invalid_request 700212 No matching federated identity record found for presented assertion audience '$1'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
  federationMissing: '400 invalid_request 70021 No matching federated identity record found for presented assertion.',
  conditionalAccess:
    '400 invalid_grant 53003 Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  postOnly: '400 invalid_request 900561 The endpoint only accepts POST, OPTIONS requests. Received a $1 request.',
  throttled:
    '429 temporarily_unavailable 90055 TenantThrottlingError: There are too many incoming requests. This request was throttled.',
  serverError: '500 server_error 90033 A transient error has occurred. Please try again.',
  unavailable: '503 temporarily_unavailable 90033 A transient error has occurred. Please try again.',
} as const;

/** A failure of {@link ENTRA_FAILURES} by name, its `$n` replaced by the arguments. */
export function entraFailure(name: keyof typeof ENTRA_FAILURES, ...args: string[]) {
  const [status, error, code, ...words] = ENTRA_FAILURES[name].split(' ');
  const description = words.join(' ').replace(/\$(\d)/g, (_, n: string) => args[Number(n) - 1]);
  return { status: Number(status), error, code: Number(code), description };
}

/**
 * Answers with an Entra error: fresh trace and correlation ids, a `2024-05-01 10:11:12Z` timestamp, and never a
 * WWW-Authenticate challenge (Entra sends none on its token endpoint).
 */
export function sendEntraError(res: ServerResponse, failure: EntraFailure, now: number, extra = {}): void {
  const [traceId, correlationId] = [randomUUID(), randomUUID()];
  const timestamp = new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const trailer = `Trace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`;
  const body: WireTokenError = {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description}\r\n${trailer}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
  sendJson(res, failure.status, body, { ...entraHeaders(), ...extra });
}

/** Headers Entra puts on its JSON answers. */
export function entraHeaders(): Record<string, string> {
  return { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': randomUUID() };
}
