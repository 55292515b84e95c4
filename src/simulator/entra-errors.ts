import type { ServerResponse } from 'node:http';
import type { WireTokenError } from '../graph/wire.ts';
import { newRequestId, sendJson } from './http-io.ts';

/** One error of the identity platform: OAuth error, AADSTS code, HTTP status and the description's first line. */
export interface EntraFailure {
  readonly status: number;
  readonly error: string;
  readonly code: number;
  readonly description: string;
}

/** Builds a failure; `description` is the text after `AADSTS{code}: `. */
export function entraFailure(status: number, error: string, code: number, description: string): EntraFailure {
  return { status, error, code, description };
}

/** Entra's timestamp format: `2024-05-01 10:11:12Z`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** The body Entra sends for a failure, with fresh trace and correlation ids. */
export function entraErrorBody(failure: EntraFailure, now: number): WireTokenError {
  const traceId = newRequestId();
  const correlationId = newRequestId();
  const timestamp = entraTimestamp(now);
  return {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
}

/** Answers with an Entra error, never with a WWW-Authenticate challenge (Entra sends none on its token endpoint). */
export function sendEntraError(
  res: ServerResponse,
  failure: EntraFailure,
  now: number,
  extra: Record<string, string> = {},
): void {
  sendJson(res, failure.status, entraErrorBody(failure, now), { ...entraHeaders(), ...extra });
}

/** Headers Entra puts on its JSON answers. */
export function entraHeaders(): Record<string, string> {
  return { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': newRequestId() };
}

export const unknownTenant = (tenant: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_tenant',
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );

export const malformedTenant = (tenant: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_request',
    900023,
    `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
  );

export const missingParameter = (name: string): EntraFailure =>
  entraFailure(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

export const unsupportedGrant = (grant: string): EntraFailure =>
  entraFailure(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);

export const unknownClient = (clientId: string, tenant: string): EntraFailure =>
  entraFailure(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );

export const invalidScope = (scope: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_scope',
    70011,
    `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  );

export const unknownResource = (resource: string, tenant: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_resource',
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );

export const missingCredential = (): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );

export const invalidSecret = (clientId: string): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  );

export const expiredSecret = (clientId: string): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    7000222,
    `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  );

export const assertionRejected = (clientId: string): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    700027,
    `The certificate with identifier used to sign the client assertion is not registered on application '${clientId}'.`,
  );

export const assertionKeyNotFound = (thumbprint: string): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    700027,
    `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}']`,
  );

export const assertionBadSignature = (): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    700027,
    'Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]',
  );

export const malformedAssertion = (reason: string): EntraFailure =>
  entraFailure(400, 'invalid_request', 50027, `JWT token is invalid or malformed. ${reason}`);

export const wrongAssertionType = (type: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_request',
    50027,
    `Invalid client_assertion_type '${type}': expected urn:ietf:params:oauth:client-assertion-type:jwt-bearer.`,
  );

export const assertionAudience = (): EntraFailure =>
  entraFailure(401, 'invalid_client', 50012, 'Client assertion audience claim does not match Realm issuer.');

export const assertionClientMismatch = (): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    700021,
    "Client assertion application identifier doesn't match 'client_id' parameter.",
  );

export const assertionOutsideValidity = (): EntraFailure =>
  entraFailure(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');

export const assertionReplayed = (): EntraFailure =>
  entraFailure(
    401,
    'invalid_client',
    50027,
    'JWT token is invalid or malformed. The client assertion (jti) was already used.',
  );

export const federationIssuer = (issuer: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_request',
    700211,
    `No matching federated identity record found for presented assertion issuer '${issuer}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
  );

export const federationSubject = (subject: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_request',
    700213,
    `No matching federated identity record found for presented assertion subject '${subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
  );

export const federationAudience = (audience: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_request',
    700212,
    `No matching federated identity record found for presented assertion audience '${audience}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
  );

export const federationMissing = (): EntraFailure =>
  entraFailure(400, 'invalid_request', 70021, 'No matching federated identity record found for presented assertion.');

export const conditionalAccess = (): EntraFailure =>
  entraFailure(
    400,
    'invalid_grant',
    53003,
    'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  );

export const postOnly = (method: string): EntraFailure =>
  entraFailure(
    400,
    'invalid_request',
    900561,
    `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
  );
