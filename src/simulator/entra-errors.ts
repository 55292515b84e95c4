import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { WireTokenError } from '../graph/wire.ts';
import { sendJson } from './http-io.ts';

/** One error of the identity platform: HTTP status, OAuth error, AADSTS code and the description's first line. */
export type EntraFailure = ReturnType<typeof entraFailure>;

/**
 * The identity platform's failures, each as `status error AADSTS-code description` in Entra's own words; `$1`, `$2`
 * stand for the arguments given to {@link entraFailure}.
 */
const FAILURES = {
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

/** A failure of {@link FAILURES} by name, its `$n` replaced by the arguments. */
export function entraFailure(name: keyof typeof FAILURES, ...args: string[]) {
  const [status, error, code, ...words] = FAILURES[name].split(' ');
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
