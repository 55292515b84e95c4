import { ClientError, ResponseBodyError } from 'openid-client';
import { describeWithCause, M365Error, toM365Error, type ErrorCode } from '../errors.ts';
import { PROXY_REFUSED } from '../net/http-fetch.ts';

const FEDERATION_FIX =
  'add a federated credential to the app registration whose issuer, subject and audience (api://AzureADTokenExchange) ' +
  'match the token in the federated token file';

/** What the identity platform's AADSTS codes mean for an operator: which of our codes each maps to, and the hint. */
const AADSTS_HINTS: Readonly<Record<number, readonly [ErrorCode, string]>> = {
  7000215: ['AUTH_INVALID_SECRET', "invalid client secret: use the secret's Value, not its Secret ID"],
  7000222: ['AUTH_SECRET_EXPIRED', 'the client secret has expired: create a new one in the app registration'],
  700016: [
    'AUTH_APP_NOT_FOUND',
    'application not found in the tenant: check client_id and tenant_id, and that the app is consented there',
  ],
  7000229: ['AUTH_APP_NOT_FOUND', 'the app has no service principal in this tenant: nobody consented to it there'],
  90002: ['AUTH_TENANT_NOT_FOUND', 'tenant not found: check tenant_id and the cloud (global, usgov, usgovdod, china)'],
  700027: [
    'AUTH_CERTIFICATE_REJECTED',
    'the certificate is not registered on the app, or the assertion signature is invalid: upload the certificate (its public part) to the app registration',
  ],
  700024: [
    'AUTH_CERTIFICATE_REJECTED',
    "the client assertion is outside its validity window: check this machine's clock, or that the federated token file is being renewed",
  ],
  50027: [
    'AUTH_CERTIFICATE_REJECTED',
    'the client assertion is malformed: for workload identity, check that the federated token file holds a JWT',
  ],
  53003: [
    'AUTH_CONDITIONAL_ACCESS',
    'blocked by Conditional Access for workload identities: exclude this app or allow this location',
  ],
  70021: ['AUTH_FAILED', `no federated credential matches the presented token: ${FEDERATION_FIX}`],
  700211: ['AUTH_FAILED', `no federated credential matches the token's issuer: ${FEDERATION_FIX}`],
  700212: ['AUTH_FAILED', `no federated credential matches the token's audience: ${FEDERATION_FIX}`],
  700213: ['AUTH_FAILED', `no federated credential matches the token's subject: ${FEDERATION_FIX}`],
};

function firstErrorCode(cause: unknown): number | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const codes = (cause as { error_codes?: unknown }).error_codes;
  return Array.isArray(codes) && typeof codes[0] === 'number' ? codes[0] : undefined;
}

/** An OAuth error answer: the `error` code, the HTTP status and the parsed body (with `error_codes`). */
export interface OAuthErrorBody {
  error: string;
  status: number;
  body: unknown;
}

/** Maps an OAuth error answer of the token endpoint to an {@link M365Error} that says what to fix. */
export function mapOAuthErrorBody(oauth: OAuthErrorBody, cause: unknown): M365Error {
  const aadsts = firstErrorCode(oauth.body);
  const known = aadsts === undefined ? undefined : AADSTS_HINTS[aadsts];
  const label = aadsts === undefined ? oauth.error : `${oauth.error}, AADSTS${aadsts}`;
  if (known) return new M365Error(known[0], `${known[1]} (${label})`, { cause, status: oauth.status });
  const transient = oauth.error === 'temporarily_unavailable' || oauth.status >= 500;
  return new M365Error(transient ? 'AUTH_UNAVAILABLE' : 'AUTH_FAILED', `token request refused (${label})`, {
    cause,
    status: oauth.status,
  });
}

/**
 * An OAuth error answer that openid-client left unread, handed on as a `ClientError` holding the raw response: it
 * reads error bodies only of 4xx answers labelled `application/json`, while Entra answers `temporarily_unavailable`
 * with a 5xx, and proxies and test rigs relabel Entra's JSON (the Centreon plugin reads it whatever its label).
 */
async function readUnreadErrorBody(error: unknown): Promise<OAuthErrorBody | undefined> {
  const response = (error as { cause?: unknown }).cause;
  if (!isResponse(response) || response.bodyUsed) return undefined;
  try {
    const body: unknown = JSON.parse((await response.text()).slice(0, 64 * 1024));
    const code = (body as { error?: unknown }).error;
    return typeof code === 'string' ? { error: code, status: response.status, body } : undefined;
  } catch {
    return undefined;
  }
}

/** A fetch `Response`, from Node's fetch or from undici's (another class with the same shape). */
function isResponse(value: unknown): value is Response {
  return value instanceof Response || Object.prototype.toString.call(value) === '[object Response]';
}

/**
 * Maps anything openid-client or fetch threw while obtaining a token to an {@link M365Error} whose message says
 * what to fix. Branches on the `error` and `error_codes` fields, never on description text.
 */
export async function mapAuthError(error: unknown): Promise<M365Error> {
  if (error instanceof M365Error) return error;
  // Ours, thrown by the fetch openid-client was given (an answer too large) and wrapped by it as a ClientError.
  if (error instanceof ClientError && error.cause instanceof M365Error) return error.cause;
  if (error instanceof ResponseBodyError)
    return mapOAuthErrorBody({ error: error.error, status: error.status, body: error.cause }, error);
  const unread = await readUnreadErrorBody(error);
  if (unread) return mapOAuthErrorBody(unread, error);
  const mapped = toM365Error(error, 'NETWORK');
  if (mapped.code !== 'NETWORK') return mapped;
  const code = (error as { code?: unknown }).code;
  if (code === 'OAUTH_TIMEOUT') return new M365Error('TIMEOUT', 'token request timed out', { cause: error });
  if (typeof code === 'string' && code.startsWith('OAUTH_')) return fromUnexpectedAnswer(error, mapped.message);
  const refusal = (error as { cause?: { code?: unknown; status?: unknown; message?: unknown } }).cause;
  if (refusal?.code === PROXY_REFUSED && (refusal.status === 403 || refusal.status === 407)) {
    return new M365Error(
      'CONFIG_INVALID',
      `${String(refusal.message)}: check the proxy URL, its credentials and what it allows`,
      { cause: error },
    );
  }
  return new M365Error('NETWORK', `cannot reach the identity platform: ${describeWithCause(error)}`, { cause: error });
}

/**
 * An answer openid-client could not use (no OAuth error in it): passing when the status says so (5xx, 429), else a
 * problem to look at, such as a captive portal or a wrong login endpoint.
 */
function fromUnexpectedAnswer(error: unknown, message: string): M365Error {
  const response = (error as { cause?: unknown }).cause;
  const status = isResponse(response) ? response.status : undefined;
  if (status === undefined || status === 200) {
    return new M365Error('AUTH_UNAVAILABLE', `identity platform answered unexpectedly: ${message}`, { cause: error });
  }
  const passing = status >= 500 || status === 429;
  const detail = `identity platform answered HTTP ${status} without an OAuth error${passing ? '' : ': check the login endpoint and any proxy'}`;
  return new M365Error(passing ? 'AUTH_UNAVAILABLE' : 'AUTH_FAILED', detail, { cause: error, status });
}
