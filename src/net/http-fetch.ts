import { getCACertificates } from 'node:tls';
import { EnvHttpProxyAgent, fetch as undiciFetch, interceptors, request } from 'undici';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';

/** Environment variables as read by the HTTP layer. */
export type HttpEnvironment = Readonly<Record<string, string | undefined>>;

export interface HttpClientOptions {
  /** Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are read (never `process.env` behind the caller's back). */
  readonly env: HttpEnvironment;
  /** An explicit proxy (config `http.proxy`, `check --proxyurl`), for both schemes. */
  readonly proxy?: string | undefined;
  /** Exceptions to it (`http.no_proxy`), `NO_PROXY` syntax. */
  readonly noProxy?: string | undefined;
  /** Extra CA certificates (PEM) trusted besides the default ones, e.g. a corporate TLS-inspection CA. */
  readonly ca?: string | undefined;
}

/** Code of the cause of a failed request when the proxy answered its CONNECT with something else than 200. */
export const PROXY_REFUSED = 'PROXY_REFUSED';

/** Which proxy each kind of request goes through; an empty string means none. */
interface ProxySettings {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  /** Hosts reached directly, comma- or space-separated, `NO_PROXY` syntax. */
  readonly noProxy: string;
}

function readVariable(env: HttpEnvironment, name: string): string {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value?.trim() ?? '';
}

/**
 * The proxies to use: an explicit proxy wins for both schemes, else `https_proxy`/`HTTPS_PROXY` for https and
 * `http_proxy`/`HTTP_PROXY` for http (the lower-case spelling first, as curl reads them); `https` falls back to the
 * http proxy. Exceptions: the explicit list, else `no_proxy`/`NO_PROXY`.
 */
export function resolveProxySettings(options: HttpClientOptions): ProxySettings {
  const { env, proxy } = options;
  const noProxy = options.noProxy ?? readVariable(env, 'no_proxy');
  if (proxy !== undefined && proxy !== '') return { httpProxy: proxy, httpsProxy: proxy, noProxy };
  const httpProxy = readVariable(env, 'http_proxy');
  return { httpProxy, httpsProxy: readVariable(env, 'https_proxy') || httpProxy, noProxy };
}

/** The credentials written in proxy URLs (user names and passwords, raw and decoded), to scrub from messages. */
function proxyCredentials(settings: ProxySettings): string[] {
  const values = new Set<string>();
  for (const proxy of [settings.httpProxy, settings.httpsProxy]) {
    const url = URL.parse(proxy);
    for (const part of [url?.username ?? '', url?.password ?? '']) {
      if (part.length < 3) continue;
      values.add(part);
      values.add(safeDecode(part));
    }
  }
  return [...values];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What the Graph client reads of an answer: a part of fetch's `Response` (so a `Response` is one). */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** The body as the network delivers it (decompressed); `cancel` drops the rest. */
  readonly body: (AsyncIterable<Uint8Array> & { cancel(): Promise<void> }) | null;
  /**
   * Frees the memory of body chunks this answer gave, read to the end and no longer used, at once instead of at the
   * next full garbage collection ({@link releaseChunks}). Absent where the chunks may be someone else's (a `fetch`'s).
   */
  readonly release?: (chunks: readonly Uint8Array[]) => void;
}

/** A GET with headers that stops when `signal` aborts (rejecting with its reason). */
export type HttpGet = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<HttpAnswer>;

/**
 * An {@link HttpGet} made with a `fetch` (a test's, the check's transcript). Like the agent's `get`, it does not
 * follow redirects: the Graph client sees the 3xx and refuses it, so that no other host's answer is ever taken
 * for Graph's.
 */
export function getThroughFetch(fetchImpl: typeof fetch): HttpGet {
  return (url, init) => fetchImpl(url, { ...init, redirect: 'manual' });
}

/** The identity platform's and Graph's HTTP client: through the configured proxy, trusting the given CAs. */
export interface HttpClient {
  /** For openid-client and the token requests. */
  readonly fetch: typeof fetch;
  /**
   * For Graph reads, every poll of every tenant: undici's `request` costs about half the CPU of its `fetch` per call
   * (no WHATWG streams, no copy of each chunk). Asks for compressed answers and inflates them, as `fetch` does.
   */
  readonly get: HttpGet;
  /** Closes idle connections. */
  close(): Promise<void>;
}

/**
 * Connections a client opens to one origin (the login host, the Graph host, each through its tunnel), however many
 * tenants poll: past it, requests wait in the client's queue for a free connection, within their poll's deadline.
 * undici's default is no limit: when answers slowed, a fleet opened thousands of sockets to the same host.
 */
export const MAX_CONNECTIONS_PER_ORIGIN = 64;

/**
 * Builds the HTTP client: undici's `EnvHttpProxyAgent` with the proxies resolved once (explicit settings, else the
 * environment given), CONNECT tunnels for https and absolute-form requests for http, and at most
 * {@link MAX_CONNECTIONS_PER_ORIGIN} connections to each origin. TLS is always verified; a CA bundle is added to
 * Node's default trust store (including `NODE_EXTRA_CA_CERTS`), never replaces it. Errors never carry a proxy's
 * credentials.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = resolveProxySettings(options);
  const ca = options.ca === undefined || options.ca === '' ? undefined : [...getCACertificates('default'), options.ca];
  const tls = ca === undefined ? {} : { connect: { ca }, proxyTls: { ca }, requestTls: { ca } };
  const dispatcher = new EnvHttpProxyAgent({ ...settings, ...tls, connections: MAX_CONNECTIONS_PER_ORIGIN });
  const secrets = proxyCredentials(settings);
  // What a failed request throws: without the proxy's credentials, a refused tunnel said so.
  const explain = (error: unknown, input: Parameters<typeof fetch>[0]) =>
    explainProxyRefusal(scrubError(error, secrets), input);
  const send = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    try {
      return await undiciFetch(input as never, { ...(init as object), dispatcher });
    } catch (error) {
      throw explain(error, input);
    }
  }) as unknown as typeof fetch;
  const decompressing = dispatcher.compose(interceptors.decompress());
  const get: HttpGet = async (url, init) => {
    try {
      const answer = await request(url, {
        headers: { ...init.headers, 'accept-encoding': ACCEPT_ENCODING },
        signal: init.signal,
        dispatcher: decompressing,
      });
      return toAnswer(answer.statusCode, answer.headers, answer.body);
    } catch (error) {
      // Stopped by the caller: the signal's reason, as from `fetch`. (undici names other failures AbortError too.)
      if (init.signal.aborted && error === init.signal.reason) throw error;
      // The shape `fetch` gives a failed request, so that both are explained alike.
      throw explain(new TypeError('fetch failed', { cause: error }), url);
    }
  };
  return { fetch: send, get, close: () => dispatcher.close() };
}

/** What `fetch` asks for. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

type RequestBody = Awaited<ReturnType<typeof request>>['body'];

function toAnswer(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: RequestBody,
): HttpAnswer {
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: {
      [Symbol.asyncIterator]: () => body[Symbol.asyncIterator](),
      // Reads a short rest to keep the connection, else closes it (destroying would raise an unhandled error).
      cancel: () => body.dump().catch(() => undefined),
    },
    release: releaseChunks,
  };
}

/**
 * Frees the buffers behind body chunks of undici's `request` by detaching them: `ArrayBuffer.prototype.transfer(0)`
 * gives their memory back at once. Node gives each socket read a buffer of its own outside the JavaScript heap that
 * only a full garbage collection frees (young collections do not), and V8 starts one whenever 64 MB more of such
 * memory is held: at 10,000 tenants a minute, the ~84 KB of each answer made one of the agent's whole heap every ~5 s.
 * Only for chunks read to the body's end (undici has parsed them, the response is complete). Node's pool of small
 * buffers, which the inflated output of a compressed answer may be cut from, cannot be detached (`transfer` throws):
 * such chunks, and any other buffer that cannot be, are left to the collector.
 */
export function releaseChunks(chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) {
    const buffer = chunk.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) continue;
    try {
      buffer.transfer(0);
    } catch {
      // Not detachable: the collector frees it.
    }
  }
}

const TUNNEL_REFUSED = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;

/**
 * undici reports a refused tunnel as `fetch failed` caused by `Request was cancelled.` caused by `Proxy response (407)
 * !== 200 when HTTP Tunneling`; this makes it `fetch failed` caused by an error (code {@link PROXY_REFUSED}, with the
 * proxy's `status`) that names the host the tunnel was for.
 */
function explainProxyRefusal(error: unknown, input: Parameters<typeof fetch>[0]): unknown {
  let status: number | undefined;
  for (const current of causeChain(error)) {
    const match = TUNNEL_REFUSED.exec(current.message);
    if (match) status = Number(match[1]);
  }
  if (status === undefined) return error;
  const host = URL.parse(input instanceof Request ? input.url : String(input))?.host ?? 'the server';
  const cause = Object.assign(new Error(`the proxy refused the tunnel to ${host} (HTTP ${status})`), {
    code: PROXY_REFUSED,
    status,
  });
  return new TypeError('fetch failed', { cause });
}

/** Removes proxy credentials from an error's message and its causes' (undici may quote the proxy URL). */
function scrubError(error: unknown, secrets: readonly string[]): unknown {
  for (const current of causeChain(error)) {
    let message = hideUrlCredentials(current.message);
    for (const secret of secrets) message = message.replaceAll(secret, '***');
    if (message !== current.message) current.message = message;
  }
  return error;
}

/** An error and its causes, five deep at most. */
function* causeChain(error: unknown): Generator<Error> {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    yield current;
  }
}
