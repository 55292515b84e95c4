import { getCACertificates } from 'node:tls';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import {
  describeProxySettings,
  hideUrlCredentials,
  PROXY_REFUSED,
  proxyCredentials,
  resolveProxySettings,
  type ExplicitProxy,
  type HttpEnvironment,
} from './proxy-settings.ts';

export interface HttpClientOptions extends ExplicitProxy {
  /** Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are read (never `process.env` behind the caller's back). */
  readonly env: HttpEnvironment;
  /** Extra CA certificates (PEM) trusted besides the default ones, e.g. a corporate TLS-inspection CA. */
  readonly ca?: string | undefined;
}

/** A `fetch` for the identity platform and Graph that goes through the configured proxy and trusts the given CAs. */
export interface HttpClient {
  readonly fetch: typeof fetch;
  /** `direct`, or `through http://***@proxy:3128 except .internal`. */
  readonly route: string;
  /** Closes idle connections. */
  close(): Promise<void>;
}

/**
 * Builds the HTTP client: undici's `EnvHttpProxyAgent` with the proxies resolved once (explicit settings, else the
 * environment given), CONNECT tunnels for https and absolute-form requests for http. TLS is always verified; a CA
 * bundle is added to Node's default trust store (including `NODE_EXTRA_CA_CERTS`), never replaces it. Errors
 * never carry a proxy's credentials.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = resolveProxySettings(options, options.env);
  const ca = options.ca === undefined || options.ca === '' ? undefined : [...getCACertificates('default'), options.ca];
  const tls = ca === undefined ? {} : { connect: { ca }, proxyTls: { ca }, requestTls: { ca } };
  const dispatcher = new EnvHttpProxyAgent({ ...settings, ...tls });
  const secrets = proxyCredentials(settings);
  const send = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    try {
      return await undiciFetch(input as never, { ...(init as object), dispatcher } as never);
    } catch (error) {
      throw explainProxyRefusal(scrubError(error, secrets), input);
    }
  }) as unknown as typeof fetch;
  return { fetch: send, route: describeProxySettings(settings), close: () => dispatcher.close() };
}

const TUNNEL_REFUSED = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;

/**
 * undici reports a refused tunnel as `fetch failed` caused by `Request was cancelled.` caused by `Proxy response (407)
 * !== 200 when HTTP Tunneling`; this makes it `fetch failed` caused by an error (code {@link PROXY_REFUSED}, with the
 * proxy's `status`) that names the host the tunnel was for.
 */
function explainProxyRefusal(error: unknown, input: Parameters<typeof fetch>[0]): unknown {
  let status: number | undefined;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const match = TUNNEL_REFUSED.exec(current.message);
    if (match) status = Number(match[1]);
  }
  if (status === undefined) return error;
  const host = URL.parse(input instanceof Request ? input.url : String(input))?.host ?? 'the server';
  const cause = Object.assign(new Error(`the proxy refused the tunnel to ${host} (HTTP ${status})`), { code: PROXY_REFUSED, status });
  return new TypeError('fetch failed', { cause });
}

/** Removes proxy credentials from an error's message and its causes' (undici may quote the proxy URL). */
function scrubError(error: unknown, secrets: readonly string[]): unknown {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    let message = hideUrlCredentials(current.message);
    for (const secret of secrets) message = message.replaceAll(secret, '***');
    if (message !== current.message) current.message = message;
  }
  return error;
}
