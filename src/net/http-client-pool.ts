import type { HttpSettings } from '../config/types.ts';
import { createHttpClient, type HttpClient, type HttpEnvironment } from './http-fetch.ts';

/** HTTP clients shared by tenants with the same `http` settings: one connection pool per proxy and CA bundle. */
export interface HttpClientPool {
  /** The client for a tenant's `http` settings (none: the environment's proxies, the default CAs). */
  clientFor(settings: HttpSettings | undefined): HttpClient;
  /** Closes every client's idle connections. */
  close(): Promise<void>;
}

/** A pool reading `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` from `env` for settings that leave them out. */
export function createHttpClientPool(env: HttpEnvironment): HttpClientPool {
  const clients = new Map<string, HttpClient>();
  return {
    clientFor(settings) {
      const options = { env, proxy: settings?.proxy?.reveal(), noProxy: settings?.noProxy, ca: settings?.ca };
      const key = JSON.stringify([options.proxy, options.noProxy, options.ca]);
      let client = clients.get(key);
      if (client === undefined) {
        client = createHttpClient(options);
        clients.set(key, client);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((client) => client.close()));
      clients.clear();
    },
  };
}
