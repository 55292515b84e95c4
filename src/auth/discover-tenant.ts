import * as oidc from 'openid-client';
import { M365Error } from '../errors.ts';
import { mapOAuthErrorBody } from './map-auth-error.ts';
import { MAX_TIMER_DELAY_MS, timerDelay } from '../shared/timer-delay.ts';

/**
 * Hosts of one cloud's identity platform that answer for each other: discovery on one may name another as issuer or
 * token endpoint (21Vianet's discovery on login.chinacloudapi.cn answers with login.partner.microsoftonline.cn).
 */
const LOGIN_HOST_ALIASES: readonly (readonly string[])[] = [
  ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
];

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ISSUER_PATH = new RegExp(`^/(${GUID})/v2\\.0$`);
/** Entra's is `/{GUID}/oauth2/v2.0/token`; any path below the tenant is accepted, never one outside it. */
const TOKEN_PATH = new RegExp(`^/(${GUID})/[^?#]+$`);
const MAX_DOCUMENT_CHARS = 256 * 1024;

export interface DiscoverTenantOptions {
  /** The identity platform's base URL, e.g. `https://login.microsoftonline.us` (no trailing slash). */
  login: string;
  /** Tenant GUID or domain name. */
  tenantId: string;
  clientId: string;
  /** The client authentication, for the token endpoint discovery found (a client assertion's audience). */
  createClientAuth: (tokenEndpoint: string) => oidc.ClientAuth;
  fetch: typeof fetch;
  timeoutMs: number;
}

/** What discovery established: the tenant's GUID and a configuration to request tokens with. */
export interface DiscoveredTenant {
  readonly tenantGuid: string;
  readonly tokenEndpoint: string;
  readonly configuration: oidc.Configuration;
}

/**
 * Reads the tenant's OpenID configuration (`{login}/{tenant}/v2.0/.well-known/openid-configuration`) and checks it
 * the way Entra's shape allows, in every cloud and for GUIDs and domain names alike: the issuer must be
 * `https://{login host or alias}/{GUID}/v2.0` (the GUID the tenant was named by, when it was named by GUID) and the
 * token endpoint below that GUID on the same cloud (`https://{same cloud}/{GUID}/oauth2/v2.0/token` for Entra). openid-client's own issuer check would refuse
 * a domain name anywhere but the global host; this one is stricter than "equal", not looser.
 */
export async function discoverTenant(options: DiscoverTenantOptions): Promise<DiscoveredTenant> {
  const login = new URL(options.login);
  const document = await fetchOpenIdConfiguration(options);
  const issuer = checkEndpoint(document['issuer'], ISSUER_PATH, login, 'issuer');
  const token = checkEndpoint(document['token_endpoint'], TOKEN_PATH, login, 'token_endpoint');
  const guid = issuer.guid.toLowerCase();
  if (/^[0-9a-f-]{36}$/i.test(options.tenantId) && options.tenantId.toLowerCase() !== guid) {
    throw wrongDocument(login, `issuer ${issuer.url} is for another tenant than ${options.tenantId}`);
  }
  if (token.guid.toLowerCase() !== guid)
    throw wrongDocument(login, `token_endpoint ${token.url} is for another tenant than the issuer`);
  const metadata: oidc.ServerMetadata = { issuer: issuer.url, token_endpoint: token.url };
  const configuration = new oidc.Configuration(
    metadata,
    options.clientId,
    undefined,
    options.createClientAuth(token.url),
  );
  if (login.protocol === 'http:') oidc.allowInsecureRequests(configuration);
  configuration[oidc.customFetch] = options.fetch;
  // In seconds: openid-client makes it a timer of its own, which must not overflow either.
  configuration.timeout = Math.max(
    1,
    Math.min(Math.ceil(options.timeoutMs / 1000), Math.floor(MAX_TIMER_DELAY_MS / 1000)),
  );
  return { tenantGuid: guid, tokenEndpoint: token.url, configuration };
}

async function fetchOpenIdConfiguration(options: DiscoverTenantOptions): Promise<Record<string, unknown>> {
  const url = `${options.login}/${encodeURIComponent(options.tenantId)}/v2.0/.well-known/openid-configuration`;
  const response = await options.fetch(url, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(timerDelay(options.timeoutMs)),
  });
  const text = (await response.text()).slice(0, MAX_DOCUMENT_CHARS);
  const body = parseObject(text);
  if (response.status === 200 && body !== undefined) return body;
  if (body !== undefined && typeof body['error'] === 'string') {
    throw mapOAuthErrorBody({ error: body['error'], status: response.status, body }, undefined);
  }
  const code = response.status >= 500 || response.status === 429 ? 'AUTH_UNAVAILABLE' : 'AUTH_FAILED';
  const what = body === undefined ? 'no JSON document' : 'an unexpected document';
  throw new M365Error(
    code,
    `OpenID discovery at ${new URL(url).origin} answered HTTP ${response.status} with ${what}: check the cloud and the login endpoint`,
    { status: response.status },
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An endpoint of the document: on the login host's cloud, with the scheme of the login URL, and Entra's path (below
 * the login URL's own path, if it has one).
 */
function checkEndpoint(value: unknown, path: RegExp, login: URL, name: string): { url: string; guid: string } {
  const url = typeof value === 'string' ? URL.parse(value) : null;
  const prefix = login.pathname.replace(/\/+$/, '');
  const match = url === null || !url.pathname.startsWith(prefix) ? null : path.exec(url.pathname.slice(prefix.length));
  if (url === null || match === null || url.search !== '' || url.username !== '' || url.password !== '') {
    throw wrongDocument(login, `${name} ${JSON.stringify(value)} is not shaped like Entra's`);
  }
  if (url.protocol !== login.protocol || !sameCloud(url, login)) {
    throw wrongDocument(login, `${name} ${url.origin} is not on ${login.origin} or its aliases`);
  }
  return { url: url.href, guid: match[1] };
}

function sameCloud(url: URL, login: URL): boolean {
  if (url.host === login.host) return true;
  if (url.port !== '' || login.port !== '') return false;
  return LOGIN_HOST_ALIASES.some((hosts) => hosts.includes(url.hostname) && hosts.includes(login.hostname));
}

function wrongDocument(login: URL, detail: string): M365Error {
  return new M365Error(
    'AUTH_FAILED',
    `OpenID discovery at ${login.origin} is not an Entra tenant's: ${detail}; check the cloud and the login endpoint`,
  );
}
