import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request. */
export type HostileRoute = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** What the server did for one request. */
export interface HostileHit {
  readonly method: string;
  readonly path: string;
  /** Body bytes written before the answer ended or the client went away. */
  bytesSent: number;
}

/**
 * An HTTP server on 127.0.0.1 (port 0) whose routes answer the way a broken or hostile endpoint would: huge bodies
 * streamed without ever being held in memory, throttling with any `Retry-After`, redirects, bodies that trickle.
 * Every request is recorded, so a test counts requests at the server rather than trusting the client.
 */
export interface HostileServer {
  readonly url: string;
  /** Answers requests whose path starts with `prefix` (the longest matching prefix wins); replaces a route set before. */
  route(prefix: string, handler: HostileRoute): void;
  /** Requests received so far whose path starts with `prefix`. */
  hits(prefix: string): HostileHit[];
  /** Resolves once `count` requests whose path starts with `prefix` have been received. */
  waitForHits(prefix: string, count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a {@link HostileServer}; unrouted paths answer 404. */
export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, HostileRoute>();
  const hits: HostileHit[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    const hit: HostileHit = { method: request.method ?? 'GET', path, bytesSent: 0 };
    hits.push(hit);
    countBytes(response, hit);
    for (const wake of [...waiters]) wake();
    const prefix = [...routes.keys()].filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    const handler = prefix === undefined ? undefined : routes.get(prefix);
    if (!handler) return void response.writeHead(404).end();
    Promise.resolve(handler(request, response)).catch(() => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const matching = (prefix: string) => hits.filter((hit) => hit.path.startsWith(prefix));
  return {
    url,
    route: (prefix, handler) => void routes.set(prefix, handler),
    hits: matching,
    waitForHits: (prefix, count) =>
      new Promise((resolve) => {
        const check = () => {
          if (matching(prefix).length < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function countBytes(response: ServerResponse, hit: HostileHit): void {
  const write = response.write.bind(response) as (chunk: unknown, ...rest: unknown[]) => boolean;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (chunk instanceof Uint8Array || typeof chunk === 'string') hit.bytesSent += Buffer.byteLength(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
}

/** What {@link hugeBody} sends. */
export interface HugeBodyOptions {
  readonly bytes: number;
  readonly status?: number;
  readonly contentType?: string;
  /** Sent first (e.g. `{"access_token":"`); the rest is `fill` repeated. */
  readonly prefix?: string;
  /** One character, repeated (default `a`). */
  readonly fill?: string;
  /** Announce the size in `Content-Length` (default: chunked, so only reading tells). */
  readonly declareLength?: boolean;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * A body of `bytes` bytes, written 64 KiB at a time as the client reads it (waiting for `drain`), from one reused
 * buffer: the server holds one chunk whatever the size, and stops when the client goes away.
 */
export function hugeBody(options: HugeBodyOptions): HostileRoute {
  return async (_request, response) => {
    const headers: Record<string, string | number> = { 'content-type': options.contentType ?? 'application/json' };
    if (options.declareLength) headers['content-length'] = options.bytes;
    response.writeHead(options.status ?? 200, headers);
    const prefix = Buffer.from(options.prefix ?? '');
    const chunk = Buffer.alloc(CHUNK_BYTES, options.fill ?? 'a');
    let left = options.bytes;
    let closed = false;
    response.once('close', () => (closed = true));
    const send = async (buffer: Buffer) => {
      if (!response.write(buffer)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
    };
    if (prefix.byteLength > 0) {
      await send(prefix);
      left -= prefix.byteLength;
    }
    while (left > 0 && !closed) {
      const size = Math.min(left, CHUNK_BYTES);
      await send(size === CHUNK_BYTES ? chunk : chunk.subarray(0, size));
      left -= size;
    }
    if (!closed) response.end();
  };
}

/** `429 Too Many Requests` with the given `Retry-After` (seconds or an HTTP date) and Graph's error body. */
export function throttle(retryAfter: string): HostileRoute {
  return (_request, response) => {
    const body = JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests.' } });
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter }).end(body);
  };
}

/** A redirect (302 unless told) to `location`. */
export function redirect(location: string, status = 302): HostileRoute {
  return (_request, response) => void response.writeHead(status, { location }).end();
}

/** A JSON answer. */
export function json(body: unknown, status = 200): HostileRoute {
  return (_request, response) =>
    void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A body sent in `chunks`, one every `intervalMs`, ending only when they are all sent (or the client leaves). */
export function slowBody(
  chunks: readonly string[],
  intervalMs: number,
  contentType = 'application/json',
): HostileRoute {
  return async (_request, response) => {
    response.writeHead(200, { 'content-type': contentType });
    let closed = false;
    response.once('close', () => (closed = true));
    for (const chunk of chunks) {
      if (closed) return;
      response.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    if (!closed) response.end();
  };
}

/** The routes of an identity platform that {@link serveLogin} answers for one tenant. */
export interface LoginRoutes {
  /** `/{tenant}/v2.0/.well-known/openid-configuration` */
  readonly discovery: string;
  /** `/{tenant}/oauth2/v2.0/token` */
  readonly token: string;
}

/**
 * Makes `server` an Entra-shaped identity platform for the tenant `tenantGuid`: its discovery document and a token
 * endpoint that issues `accessToken` to any client. A test then replaces one of the two routes with a hostile one.
 */
export function serveLogin(server: HostileServer, tenantGuid: string, accessToken = 'hostile-test-token'): LoginRoutes {
  const routes = {
    discovery: `/${tenantGuid}/v2.0/.well-known/openid-configuration`,
    token: `/${tenantGuid}/oauth2/v2.0/token`,
  };
  server.route(
    routes.discovery,
    json({ issuer: `${server.url}/${tenantGuid}/v2.0`, token_endpoint: `${server.url}${routes.token}` }),
  );
  server.route(routes.token, json({ token_type: 'Bearer', expires_in: 3599, access_token: accessToken }));
  return routes;
}
