import { M365Error } from '../errors.ts';
import { readBodyChunksCapped } from '../net/read-body.ts';
import { GUID, DOMAIN_NAME } from '../shared/identifiers.ts';

/** One URL path segment (RFC 3986 `pchar`s, percent-escapes kept as written) or non-ASCII text, which URLs escape. */
const PATH_SEGMENT = /^(?:[\w\-.~!$&'()*+,;=:@]|%[0-9a-f]{2}|[^\x00-\x7f])+$/i;

/**
 * Checks that a tenant, as given, can stand in the login endpoint's URL path the way Entra and the Centreon plugin
 * put it there (`{login}/{tenant}/oauth2/v2.0/token`): one path segment that no URL resolves elsewhere. A `/`, `?`,
 * `#`, space or control character, or a `.`/`..` segment (even percent-escaped), would send the credential to
 * another URL than the tenant's token endpoint; it is refused with `CONFIG_INVALID`, naming `source`.
 */
export function checkTenantInUrl(tenant: string, source: string): void {
  const dots = /^(?:\.|%2e){1,2}$/i.test(tenant);
  if (PATH_SEGMENT.test(tenant) && !dots) return;
  throw new M365Error(
    'CONFIG_INVALID',
    `${source} '${tenant}' cannot be put in the login endpoint's URL path: it would address another URL than the ` +
      `tenant's token endpoint (a tenant is a GUID or a domain name, without /, ?, #, spaces or . segments)`,
  );
}

/**
 * Whether Entra would recognise the tenant's form: a GUID or a domain name. Any other name is left to the login
 * endpoint to decide, as the Centreon plugin does; the check says so on stderr.
 */
export function isEntraTenantName(tenant: string): boolean {
  return GUID.test(tenant) || DOMAIN_NAME.test(tenant);
}

/**
 * Where an administrator of `tenantId` consents to the app `clientId` in it, for the permissions its registration
 * asks: the identity platform's admin consent endpoint, `{login}/{tenant}/adminconsent?client_id=…`, on the login
 * host of the tenant's cloud.
 */
export function adminConsentUrl(login: string, tenantId: string, clientId: string): string {
  return `${login}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
}

/** Largest answer read from the identity platform: Entra's token answers are a few KB. */
const MAX_LOGIN_BODY_BYTES = 1024 * 1024;

/** Longest access token accepted: Entra's are a few KB; one sent as a header must stay far below any header limit. */
const MAX_ACCESS_TOKEN_CHARS = 64 * 1024;

/**
 * The `fetch` the identity platform's requests go through (openid-client's token requests, as its `customFetch`):
 * each answer is read whole, refusing more than {@link MAX_LOGIN_BODY_BYTES} without holding them, and handed on as a `Response` of
 * those bytes. Past the limit it rejects with `AUTH_BAD_RESPONSE` naming the login endpoint.
 */
export function boundLoginFetch(fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const origin = URL.parse(url)?.origin ?? url;
    const chunks = await readBodyChunksCapped(response, MAX_LOGIN_BODY_BYTES, () => tooLarge(origin, response.status));
    const bodyless = response.status === 204 || response.status === 205 || response.status === 304;
    return new Response(bodyless ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function tooLarge(origin: string, status: number): M365Error {
  return new M365Error(
    'AUTH_BAD_RESPONSE',
    `the login endpoint ${origin} answered more than ${MAX_LOGIN_BODY_BYTES} bytes (HTTP ${status}): refused, an Entra answer is a few KB`,
    { status },
  );
}

/**
 * Checks an access token before it is ever sent: at most {@link MAX_ACCESS_TOKEN_CHARS} visible ASCII characters,
 * as a bearer token is. Otherwise `AUTH_BAD_RESPONSE`, naming the login endpoint that issued it.
 */
export function checkAccessToken(token: string, login: string): string {
  const origin = URL.parse(login)?.origin ?? login;
  if (token.length > MAX_ACCESS_TOKEN_CHARS) {
    throw new M365Error(
      'AUTH_BAD_RESPONSE',
      `the login endpoint ${origin} issued an access token of ${token.length} characters, more than ${MAX_ACCESS_TOKEN_CHARS}: refused, never sent`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new M365Error(
      'AUTH_BAD_RESPONSE',
      `the login endpoint ${origin} issued an access token that is not a bearer token (empty, or not visible ASCII): refused, never sent`,
    );
  }
  return token;
}
