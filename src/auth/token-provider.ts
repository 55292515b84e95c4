import * as oidc from 'openid-client';
import type { Secret } from '../config/secret.ts';
import type { Endpoints } from '../config/types.ts';
import { mapAuthError } from './map-auth-error.ts';

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

export interface ClientSecretTokenOptions {
  tenantId: string;
  clientId: string;
  secret: Secret;
  endpoints: Endpoints;
  fetch: typeof fetch;
  clock: () => number;
  /** Timeout of each identity request, ms. */
  timeoutMs: number;
  /** Renew this long before expiry, ms (default 5 minutes). */
  renewBeforeMs?: number;
}

const DEFAULT_RENEW_BEFORE_MS = 5 * 60_000;

function isLoopbackUrl(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * Client-credentials tokens with a client secret, through openid-client: discovery of
 * `{login}/{tenant}/v2.0`, then the token endpoint with scope `{graph}/.default`.
 */
export function createClientSecretTokenProvider(options: ClientSecretTokenOptions): TokenProvider {
  const renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  const scope = `${options.endpoints.graph}/.default`;
  let configuration: oidc.Configuration | undefined;
  let cached: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;

  async function discover(): Promise<oidc.Configuration> {
    const issuer = new URL(`${options.endpoints.login}/${encodeURIComponent(options.tenantId)}/v2.0`);
    configuration ??= await oidc.discovery(issuer, options.clientId, undefined, oidc.ClientSecretPost(options.secret.reveal()), {
      execute: isLoopbackUrl(issuer) ? [oidc.allowInsecureRequests] : [],
      timeout: Math.ceil(options.timeoutMs / 1000),
      [oidc.customFetch]: options.fetch,
    });
    return configuration;
  }

  async function requestToken(): Promise<AccessToken> {
    try {
      const config = await discover();
      const started = options.clock();
      const response = await oidc.clientCredentialsGrant(config, { scope });
      const lifetimeMs = (response.expires_in ?? 3599) * 1000;
      cached = { value: response.access_token, expiresAt: started + lifetimeMs };
      return cached;
    } catch (error) {
      throw await mapAuthError(error);
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
      inFlight ??= requestToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
