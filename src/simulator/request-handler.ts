import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { findTenant, findTenantByAnyName, type SimContext } from './context.ts';

import { describeFault, sendBodyFault, sendStatusFault, type Fault, type FaultQueue } from './faults.ts';

import { findBearerGrant, handleGraph } from './graph-routes.ts';
import { newRequestId, sendText } from './http-io.ts';
import { handleIdentity, matchIdentityRoute } from './identity-routes.ts';

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

/** What the handler needs besides the shared context. */
export interface HandlerDeps {
  readonly ctx: SimContext;
  readonly faults: FaultQueue;
  readonly record: (request: RecordedRequest) => void;
  /** Keeps a response that must never be answered, to destroy it on close. */
  readonly hold: (res: ServerResponse) => void;
}

const SECRET_PARAMETERS = new Set(['client_secret', 'client_assertion', 'access_token']);

/** The node:http listener: records the request, applies a matching fault, then routes to identity or Graph. */
export function createRequestHandler(deps: HandlerDeps): RequestListener {
  return (req, res) => {
    serve(deps, req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const tooLarge = error instanceof RangeError;
      const text = tooLarge ? 'Request Entity Too Large' : 'Internal Server Error';
      sendText(res, tooLarge ? 413 : 500, text, { 'content-type': 'text/plain' });
    });
  };
}

async function serve(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx } = deps;
  const url = new URL(req.url ?? '/', 'http://simulator');
  const identity = matchIdentityRoute(url.pathname);
  const graph = url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/');
  const tenant = identity
    ? findTenant(ctx.index, identity.tenantKey)?.name
    : graph
      ? findBearerGrant(ctx, req)?.tenant
      : undefined;
  const record = recordOf(ctx.clock(), req.method ?? 'GET', url, tenant);
  deps.record(record);
  res.on('finish', () => (record.status = res.statusCode));
  const requestId = newRequestId();
  const fault = deps.faults.take(url.pathname, tenant);
  if (fault) {
    record.fault = describeFault(fault);
    if (applyFault(deps, fault, req, res, graph, requestId)) return;
  }
  if (identity) return handleIdentity(ctx, identity, req, res);
  if (graph) return handleGraph(ctx, req, res, url, requestId);
  sendText(res, 404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8' });
}

/** Applies a fault; true when it answered (or deliberately did not), false when the request goes on. */
function applyFault(
  deps: HandlerDeps,
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  graph: boolean,
  requestId: string,
): boolean {
  const now = deps.ctx.clock();
  if ('hang' in fault) deps.hold(res);
  else if ('reset' in fault) req.socket.destroy();
  else if ('body' in fault) sendBodyFault(res, fault, graph);
  else if ('status' in fault) sendStatusFault(res, fault, graph, requestId, now);
  else {
    const tenant = fault.tenant === undefined ? undefined : findTenantByAnyName(deps.ctx.index, fault.tenant)?.name;
    deps.ctx.tokens.expire(now, tenant);
    return false;
  }
  return true;
}

function recordOf(time: number, method: string, url: URL, tenant: string | undefined): RecordedRequest {
  const entries = [...url.searchParams].map(([k, v]) => [k, SECRET_PARAMETERS.has(k) ? '[redacted]' : v]);
  const query = Object.fromEntries(entries) as Record<string, string>;
  return { time, method, path: url.pathname, query, tenant, status: 0, fault: undefined };
}
