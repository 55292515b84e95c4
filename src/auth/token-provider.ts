import * as oidc from 'openid-client';
import { setTimeout as delay } from 'node:timers/promises';
import type { Endpoints } from '../config/types.ts';
import { TRANSIENT_CODES, toM365Error } from '../errors.ts';
import { createClientAuth, type ClientCredential } from './client-auth.ts';
import { mapAuthError } from './map-auth-error.ts';
import { boundLoginFetch, checkAccessToken, checkTenantInUrl } from './token-endpoint.ts';
import { timerDelay } from '../shared/timer-delay.ts';
import type { ClientCertificate } from '../certificate/client-certificate.ts';

/** What is told of a certificate a token was requested with: its subject, thumbprint and expiry, never its key. */
export type SigningCertificate = Pick<ClientCertificate, 'subject' | 'x5t' | 'notAfter'>;

/** A bearer token and the instant (ms since epoch) it stops being valid. */
export interface AccessToken {
  readonly value: string;
  readonly expiresAt: number;
}

/** Hands out a valid access token for Microsoft Graph, renewing it as needed. */
export interface TokenProvider {
  /** A token valid for a while yet; at most one request to the identity platform is in flight at a time. */
  getToken(signal?: AbortSignal): Promise<AccessToken>;
  /** Forgets the cached token (Graph said 401), so that the next call fetches a new one. */
  invalidate(): void;
  /** Expiry of the cached token, if any. */
  readonly expiresAt: number | undefined;
  /** The certificate the last token was requested with (its public parts); undefined for other credentials. */
  readonly certificate?: SigningCertificate | undefined;
}

/** What a token provider for one app in one tenant needs. */
export interface EntraTokenOptions {
  /** Tenant GUID, domain name, or any name the login endpoint knows (one URL path segment). */
  tenantId: string;
  clientId: string;
  credential: ClientCredential;
  endpoints: Endpoints;
  fetch: typeof fetch;
  clock: () => number;
  /** Timeout of each identity request and bound on the retries of one renewal, ms. */
  timeoutMs: number;
  /** Pause between retries of transient failures (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/** Attempts in all of one token request, the first included. */
const RETRY_ATTEMPTS = 3;
/** First pause between attempts, ms; doubled each time, with ±50% jitter. */
const RETRY_BASE_DELAY_MS = 500;
/** A cached token is renewed this long before its expiry. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** A cached token is still handed out, when a renewal fails for a passing reason, while it has this long to live. */
const MIN_USABLE_MS = 30_000;

/**
 * Client-credentials tokens for Microsoft Graph (scope `{graph}/.default`) from the identity platform, through
 * openid-client, from the token endpoint Entra documents, `{login}/{tenant}/oauth2/v2.0/token` (no discovery: one
 * request per token), with the credential (client secret, certificate assertion or federated token). One token is
 * cached and renewed five minutes ahead of its expiry, one request at a time (concurrent callers share it); transient failures are retried with jittered
 * backoff, and when they persist a cached token that is still valid is handed out rather than an error.
 */
export function createEntraTokenProvider(options: EntraTokenOptions): TokenProvider {
  const scope = `${options.endpoints.graph}/.default`;
  let configuration: oidc.Configuration | undefined;
  let cached: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;
  let certificate: SigningCertificate | undefined;

  async function requestOnce(): Promise<AccessToken> {
    try {
      configuration ??= configureTokenEndpoint(options, ({ subject, x5t, notAfter }) => {
        certificate = { subject, x5t, notAfter };
      });
      const started = options.clock();
      const response = await oidc.clientCredentialsGrant(configuration, { scope });
      const value = checkAccessToken(response.access_token, options.endpoints.login);
      return { value, expiresAt: started + (response.expires_in ?? 3599) * 1000 };
    } catch (error) {
      throw await mapAuthError(error);
    }
  }

  /** Retries what {@link TRANSIENT_CODES} says may pass, {@link RETRY_ATTEMPTS} at most, none past the timeout. */
  async function renew(): Promise<AccessToken> {
    const deadline = options.clock() + options.timeoutMs;
    const sleep = options.sleep ?? ((ms) => delay(timerDelay(ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        cached = await requestOnce();
        return cached;
      } catch (error) {
        const transient = TRANSIENT_CODES.has(toM365Error(error).code);
        const pause = Math.round(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1) * (0.5 + (options.random ?? Math.random)()));
        if (transient && attempt < RETRY_ATTEMPTS && options.clock() + pause < deadline) {
          await sleep(pause);
          continue;
        }
        const usable = cached !== undefined && cached.expiresAt - options.clock() > MIN_USABLE_MS;
        if (usable && transient) return cached!;
        throw error;
      }
    }
  }

  return {
    get expiresAt() {
      return cached?.expiresAt;
    },
    get certificate() {
      return certificate;
    },
    invalidate() {
      cached = undefined;
    },
    async getToken(signal) {
      signal?.throwIfAborted();
      if (cached && cached.expiresAt - options.clock() > RENEW_BEFORE_MS) return cached;
      inFlight ??= renew().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/**
 * openid-client set for the token endpoint as Entra documents it for every cloud, `{login}/{tenant}/oauth2/v2.0/token`:
 * no discovery request, so a login endpoint that serves only the token endpoint (as the Centreon plugin needs) is
 * enough. The issuer named is Entra's v2.0 one; nothing in a client-credentials grant is checked against it. Token
 * answers are read whole, so each is bounded before openid-client parses it. Throws `CONFIG_INVALID` when the
 * tenant cannot stand in the URL path.
 */
function configureTokenEndpoint(
  options: EntraTokenOptions,
  onCertificate: (certificate: ClientCertificate) => void,
): oidc.Configuration {
  checkTenantInUrl(options.tenantId, 'the tenant');
  const base = `${options.endpoints.login}/${options.tenantId}`;
  const url = new URL(`${base}/oauth2/v2.0/token`).href;
  const metadata: oidc.ServerMetadata = { issuer: `${base}/v2.0`, token_endpoint: url };
  const auth = createClientAuth(options.credential, { tokenEndpoint: url, clock: options.clock, onCertificate });
  const configuration = new oidc.Configuration(metadata, options.clientId, undefined, auth);
  if (url.startsWith('http:')) oidc.allowInsecureRequests(configuration);
  configuration[oidc.customFetch] = boundLoginFetch(options.fetch);
  // In seconds, rounded up: a timeout is at least 1 ms, at most a day (the configuration's bounds).
  configuration.timeout = Math.ceil(options.timeoutMs / 1000);
  return configuration;
}
