import * as oidc from 'openid-client';
import { setTimeout as delay } from 'node:timers/promises';
import type { Secret } from '../shared/secret.ts';
import type { Endpoints } from '../config/types.ts';
import { TRANSIENT_CODES, toM365Error } from '../errors.ts';
import { boundLoginFetch, checkAccessToken } from './bounded-login-fetch.ts';
import { createClientAuth, type ClientCredential } from './client-auth.ts';
import { mapAuthError } from './map-auth-error.ts';
import { retryTransient } from './retry-transient.ts';
import { configureTokenEndpoint, type TokenEndpoint } from './token-endpoint.ts';
import { timerDelay } from '../shared/timer-delay.ts';

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
  /** Renew this long before expiry, ms (default 5 minutes). */
  renewBeforeMs?: number;
  /** Pause between retries of transient failures (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Reads a federated token file (default: a regular file of at most 64 KiB). */
  readTokenFile?: (path: string) => Promise<string>;
}

/** Options of {@link createClientSecretTokenProvider}: the client secret instead of a credential. */
export type ClientSecretTokenOptions = Omit<EntraTokenOptions, 'credential'> & { secret: Secret };

const DEFAULT_RENEW_BEFORE_MS = 5 * 60_000;
/** A cached token is still handed out, when a renewal fails for a passing reason, while it has this long to live. */
const MIN_USABLE_MS = 30_000;

/**
 * Client-credentials tokens for Microsoft Graph (scope `{graph}/.default`) from the identity platform, through
 * openid-client, from the token endpoint Entra documents, `{login}/{tenant}/oauth2/v2.0/token` (no discovery: one
 * request per token), with the credential (client secret, certificate assertion or federated token). One token is
 * cached and renewed `renewBeforeMs` ahead of its expiry, one request at a time (concurrent callers share it); transient failures are retried with jittered
 * backoff, and when they persist a cached token that is still valid is handed out rather than an error.
 */
export function createEntraTokenProvider(options: EntraTokenOptions): TokenProvider {
  const renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  const scope = `${options.endpoints.graph}/.default`;
  let endpoint: TokenEndpoint | undefined;
  let cached: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;
  // Token answers are read whole, so each is bounded before openid-client parses it.
  const loginFetch = boundLoginFetch(options.fetch);

  async function requestOnce(): Promise<AccessToken> {
    try {
      endpoint ??= configureTokenEndpoint({
        login: options.endpoints.login,
        tenantId: options.tenantId,
        clientId: options.clientId,
        createClientAuth: (tokenEndpoint) =>
          createClientAuth(options.credential, {
            tokenEndpoint,
            clock: options.clock,
            readTokenFile: options.readTokenFile,
          }),
        fetch: loginFetch,
        timeoutMs: options.timeoutMs,
      });
      const started = options.clock();
      const response = await oidc.clientCredentialsGrant(endpoint.configuration, { scope });
      const value = checkAccessToken(response.access_token, options.endpoints.login);
      return { value, expiresAt: started + (response.expires_in ?? 3599) * 1000 };
    } catch (error) {
      throw await mapAuthError(error);
    }
  }

  async function renew(): Promise<AccessToken> {
    const now = options.clock();
    try {
      cached = await retryTransient(requestOnce, {
        deadline: now + options.timeoutMs,
        clock: options.clock,
        sleep: options.sleep ?? ((ms) => delay(timerDelay(ms))),
        random: options.random ?? Math.random,
      });
      return cached;
    } catch (error) {
      const usable = cached !== undefined && cached.expiresAt - options.clock() > MIN_USABLE_MS;
      if (usable && TRANSIENT_CODES.has(toM365Error(error).code)) return cached!;
      throw error;
    }
  }

  return {
    get expiresAt() {
      return cached?.expiresAt;
    },
    invalidate() {
      cached = undefined;
    },
    async getToken(signal) {
      signal?.throwIfAborted();
      if (cached && cached.expiresAt - options.clock() > renewBeforeMs) return cached;
      inFlight ??= renew().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/** {@link createEntraTokenProvider} with a client secret. */
export function createClientSecretTokenProvider(options: ClientSecretTokenOptions): TokenProvider {
  const { secret, ...rest } = options;
  return createEntraTokenProvider({ ...rest, credential: { kind: 'secret', secret } });
}
