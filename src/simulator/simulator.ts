import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AcceptedAssertion } from './client-assertion.ts';
import { createContext, currentState, type SimContext } from './context.ts';
import type { TenantState } from './timeline.ts';
import { describeFault, FaultQueue, sendBodyFault, sendStatusFault, type Fault, type FaultHandle } from './faults.ts';
import { findBearerGrant, handleGraph } from './graph-routes.ts';
import { sendText } from './http-answers.ts';
import { handleIdentity, matchIdentityRoute } from './identity-routes.ts';
import { manualApi, requireTenant } from './manual-api.ts';
import type { Scenario } from './scenario-schema.ts';

export interface SimulatorOptions {
  readonly scenario: Scenario;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** ms since epoch; default `Date.now`. Drives the timeline, token expiry and all dates. */
  readonly clock?: () => number;
  /** Default page size of Graph collections; default 100 like Graph. */
  readonly pageSize?: number;
  /** Spell enumerations in PascalCase like Microsoft's docs instead of camelCase like live Graph. */
  readonly pascalCase?: boolean;
  /**
   * Every `healthOverviews` answer differs in bytes from the one before, not in meaning: the services in another
   * order (rotated one place further at each answer) and an `@odata.etag` that counts the answers. What a client
   * costs when it cannot tell a repeated answer by its bytes.
   */
  readonly varyAnswers?: boolean;
}

/**
 * A running simulator: Entra's login endpoints and Graph's service communications API on one origin. Tenants are
 * named by scenario name, GUID or domain.
 */
export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

/** One request as the simulator saw it. Secrets are never recorded: no bodies, no headers, no secret parameters. */
export interface RecordedRequest {
  /** When it arrived, by the simulator's clock. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Scenario name of the tenant: from the login path, or from the bearer token on Graph. */
  readonly tenant: string | undefined;
  /** HTTP status sent; 0 while unanswered or when the connection was reset or left hanging. */
  status: number;
  /** The injected fault that hit this request, e.g. `status:429`. */
  fault: string | undefined;
}

const MAX_RECORDED = 10_000;
const SECRET_PARAMETERS = new Set(['client_secret', 'client_assertion', 'access_token']);

/** Starts the simulator on `host:port` and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions) {
  const { scenario, clock = Date.now, pageSize = 100 } = options;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  }
  const ctx = createContext(scenario, clock, {
    pageSize,
    pascalCase: options.pascalCase ?? false,
    varyAnswers: options.varyAnswers ?? false,
  });
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    serve(ctx, faults, req, res, requests, held).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const tooLarge = error instanceof RangeError;
      const text = tooLarge ? 'Request Entity Too Large' : 'Internal Server Error';
      sendText(res, tooLarge ? 413 : 500, text, { 'content-type': 'text/plain' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(void server.off('error', reject)));
  });
  // A wildcard listen address is reached through the loopback.
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  ctx.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const nameOf = (tenant: string | undefined) => (tenant === undefined ? undefined : requireTenant(ctx, tenant).name);
  let closing: Promise<void> | undefined;
  return {
    /** `http://127.0.0.1:PORT`: the login base (`{url}/{tenant}/…`) and the Graph base (`{url}/v1.0/…`). */
    url: ctx.url,
    scenario,
    /** Start of the timeline, by the clock. */
    startedAt: ctx.play.startMs,
    /** Every request received, oldest first (the last 10,000). */
    requests: requests as readonly RecordedRequest[],
    /** Client assertions (certificate or federated) accepted at the token endpoint, oldest first. */
    assertions: ctx.assertions as readonly AcceptedAssertion[],
    ...manualApi(ctx),
    injectFault: (fault: Fault): FaultHandle => faults.add(fault, nameOf(fault.tenant)),
    clearFaults: () => faults.clear(),
    /** Makes every token issued so far (for one tenant, or all) expire now. */
    expireTokens: (tenant?: string) => ctx.tokens.expire(clock(), nameOf(tenant)),
    /** The access tokens issued and still remembered, so that tests can prove none of them leaks into output. */
    issuedTokens: (): readonly string[] => ctx.tokens.issued(),
    /** What a tenant shows now. */
    state: (tenant: string): TenantState => currentState(ctx, requireTenant(ctx, tenant)),
    close: (): Promise<void> => (closing ??= closeServer(server, held)),
  };
}

/** Records the request, applies the first fault that matches it, then routes to identity or Graph. */
async function serve(
  ctx: SimContext,
  faults: FaultQueue,
  req: IncomingMessage,
  res: ServerResponse,
  requests: RecordedRequest[],
  held: Set<ServerResponse>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const identity = matchIdentityRoute(url.pathname);
  const graph = url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/');
  const grant = graph ? findBearerGrant(ctx, req) : undefined;
  const tenant = identity ? ctx.play.tenantKeyed(identity.tenantKey) : grant?.tenant;
  const record = recordOf(ctx.clock(), req.method ?? 'GET', url, tenant?.name);
  requests.push(record);
  if (requests.length > MAX_RECORDED) requests.shift();
  res.on('finish', () => (record.status = res.statusCode));
  const requestId = randomUUID();
  const fault = faults.take(url.pathname, tenant?.name);
  if (fault) record.fault = describeFault(fault);
  if (fault && 'hang' in fault) {
    held.add(res);
    return void res.on('close', () => held.delete(res));
  }
  if (fault && 'reset' in fault) return void req.socket.destroy();
  if (fault && 'body' in fault) return sendBodyFault(res, fault, graph);
  if (fault && 'status' in fault) return sendStatusFault(res, fault, graph, requestId, ctx.clock());
  // A fault limited to a tenant only takes that tenant's requests.
  if (fault) ctx.tokens.expire(ctx.clock(), fault.tenant === undefined ? undefined : tenant?.name);
  if (identity) return handleIdentity(ctx, identity, tenant, req, res);
  if (graph) return handleGraph(ctx, grant, req, res, url, requestId);
  sendText(res, 404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8' });
}

function recordOf(time: number, method: string, url: URL, tenant: string | undefined): RecordedRequest {
  const entries = [...url.searchParams].map(([k, v]) => [k, SECRET_PARAMETERS.has(k) ? '[redacted]' : v]);
  const query = Object.fromEntries(entries) as Record<string, string>;
  return { time, method, path: url.pathname, query, tenant, status: 0, fault: undefined };
}

function closeServer(server: Server, held: Set<ServerResponse>): Promise<void> {
  for (const res of held) res.destroy();
  held.clear();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
