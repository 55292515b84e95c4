import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { M365Error } from '../errors.ts';
import {
  buildStatusDocument,
  parseTenantQuery,
  readiness,
  type StatusSource,
  type TenantQuery,
} from './status-view.ts';

export interface StatusServerOptions extends StatusSource {
  host: string;
  port: number;
}

/** The agent's HTTP endpoint: `/healthz`, `/readyz`, `/status` (JSON, filtered and paged) and `/` (the status page). */
export interface StatusServer {
  /** `http://host:port` actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

const PAGE_URL = new URL('./status-page.html', import.meta.url);

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function handle(options: StatusServerOptions, page: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
  const url = new URL(req.url ?? '/', 'http://agent');
  switch (url.pathname) {
    case '/healthz':
      return send(res, 200, 'text/plain', 'ok\n');
    case '/readyz': {
      const verdict = readiness(options);
      return send(res, verdict.ready ? 200 : 503, 'text/plain', verdict.ready ? 'ready\n' : `${verdict.reason}\n`);
    }
    case '/status':
      return sendStatus(options, url.searchParams, res);
    case '/':
      return send(res, 200, 'text/html; charset=utf-8', page);
    default:
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

/** `/status`: the document for the query, or 400 naming what is wrong with it. */
function sendStatus(options: StatusServerOptions, params: URLSearchParams, res: ServerResponse): void {
  let query: TenantQuery;
  try {
    query = parseTenantQuery(params);
  } catch (error) {
    const { code, message } = error as M365Error;
    return send(res, 400, 'application/json', JSON.stringify({ error: { code, message } }));
  }
  send(res, 200, 'application/json', JSON.stringify(buildStatusDocument(options, query)));
}

/** Starts the status server; resolves once it listens, rejects with `LISTEN_FAILED` when it cannot. */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const page = await readFile(PAGE_URL, 'utf8');
  const server: Server = createServer((req, res) => handle(options, page, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(toListenError(error, options.host, options.port)));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What an error code of `server.listen` means for the address in the configuration. */
const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use',
  EADDRNOTAVAIL: "the address is not one of this host's",
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  EAI_FAIL: 'the host name does not resolve',
};

/** Maps an error of `server.listen` into `LISTEN_FAILED`, naming the address (as written in `server.listen`) and what to fix. */
export function toListenError(error: unknown, host: string, port: number): M365Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const denied = port < 1024 ? 'permission denied (ports below 1024 need privileges)' : 'permission denied';
  const known = code === 'EACCES' ? denied : typeof code === 'string' ? LISTEN_ERRORS[code] : undefined;
  const reason = known ?? (error instanceof Error ? error.message : String(error));
  const suffix = typeof code === 'string' ? ` (${code})` : '';
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new M365Error('LISTEN_FAILED', `cannot listen on ${address}: ${reason}${suffix}`, { cause: error });
}
