import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';

/** Environment variables as read by the HTTP layer. */
export type HttpEnvironment = Readonly<Record<string, string | undefined>>;

/** Code of the cause of a failed request when the proxy answered its CONNECT with something else than 200. */
export const PROXY_REFUSED = 'PROXY_REFUSED';

/** Which proxy each kind of request goes through; an empty string means none. */
export interface ProxySettings {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  /** Hosts reached directly, comma- or space-separated, `NO_PROXY` syntax. */
  readonly noProxy: string;
}

/** An explicit proxy (config `http.proxy`, `check --proxyurl`) and exceptions (`http.no_proxy`). */
export interface ExplicitProxy {
  readonly proxy?: string | undefined;
  readonly noProxy?: string | undefined;
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
export function resolveProxySettings(explicit: ExplicitProxy, env: HttpEnvironment): ProxySettings {
  const noProxy = explicit.noProxy ?? readVariable(env, 'no_proxy');
  if (explicit.proxy !== undefined && explicit.proxy !== '') {
    return { httpProxy: explicit.proxy, httpsProxy: explicit.proxy, noProxy };
  }
  const httpProxy = readVariable(env, 'http_proxy');
  return { httpProxy, httpsProxy: readVariable(env, 'https_proxy') || httpProxy, noProxy };
}

/** The credentials written in proxy URLs (user names and passwords, raw and decoded), to scrub from messages. */
export function proxyCredentials(settings: ProxySettings): string[] {
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

/** How requests leave, for a log line: `direct`, or the proxies with their credentials hidden. */
export function describeProxySettings(settings: ProxySettings): string {
  if (settings.httpProxy === '' && settings.httpsProxy === '') return 'direct';
  const proxies = [...new Set([settings.httpsProxy, settings.httpProxy].filter((p) => p !== ''))].map(
    hideUrlCredentials,
  );
  const except = settings.noProxy === '' ? '' : ` except ${settings.noProxy}`;
  return `through ${proxies.join(' and ')}${except}`;
}
