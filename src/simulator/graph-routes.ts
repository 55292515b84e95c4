import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentState, type SimContext } from './context.ts';
import { authenticateGraph } from './graph-auth.ts';
import { listServiceMessages } from './message-center.ts';
import * as failures from './graph-errors.ts';
import { GRAPH_CONTENT_TYPE, graphHeaders, sendGraphError, type GraphFailure } from './graph-errors.ts';
import { originOf, sendJson } from './http-io.ts';
import { parseIssueFilter } from './odata-filter.ts';
import { buildNextLink, encodeSkipToken, pageSizeFor, readPageRequest, takePage } from './paging.ts';
import { toWireIssue, toWireService } from './wire-format.ts';

/** Everything one Graph handler needs about the request. */
interface GraphRequest {
  readonly ctx: SimContext;
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly tenant: string;
  readonly origin: string;
  /** Whether the calling app holds ServiceMessage.Read.All. */
  readonly messagePermission: boolean;
}

/** A successful answer: the JSON body and extra headers. */
interface GraphAnswer {
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

type Outcome = GraphAnswer | GraphFailure;

/** Serves one request below `/v1.0`, for the tenant of the bearer token. */
export function handleGraph(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): void {
  const caller = authenticateGraph(ctx, req);
  const origin = originOf(req, ctx.url);
  const answer =
    'code' in caller
      ? caller
      : routeGraph({
          ctx,
          req,
          url,
          tenant: caller.tenant,
          origin,
          messagePermission: caller.client.messagePermission,
        });
  if ('code' in answer) return sendGraphError(res, answer, requestId, ctx.clock());
  sendJson(res, 200, answer.body, { ...graphHeaders(requestId), ...answer.headers }, GRAPH_CONTENT_TYPE);
}

function routeGraph(g: GraphRequest): Outcome {
  if (g.req.method !== 'GET') return failures.methodNotAllowed;
  const segments = g.url.pathname
    .split('/')
    .slice(2)
    .map((s) => decodeURIComponent(s));
  const [admin, announcement, collection, key, tail, ...rest] = segments;
  if (admin !== 'admin') return failures.segmentNotFound(admin ?? '');
  if (announcement !== 'serviceAnnouncement') return failures.segmentNotFound(announcement ?? '');
  if (rest.length > 0) return failures.segmentNotFound(rest[0]);
  if (collection === 'healthOverviews') return key === undefined ? listServices(g) : oneService(g, key, tail);
  if (collection === 'issues') return key === undefined ? listIssues(g) : oneIssue(g, key, tail);
  if (collection === 'messages' && key === undefined) return listMessages(g);
  return failures.segmentNotFound(collection ?? '');
}

function readExpand(g: GraphRequest): boolean | GraphFailure {
  const expand = g.url.searchParams.get('$expand');
  if (expand === null) return false;
  const unknown = expand
    .split(',')
    .map((s) => s.trim())
    .find((s) => s !== 'issues');
  if (unknown === undefined) return true;
  return failures.badQuery(`Could not find a property named '${unknown}' on type 'microsoft.graph.serviceHealth'.`);
}

function listServices(g: GraphRequest): Outcome {
  const expand = readExpand(g);
  if (typeof expand !== 'boolean') return expand;
  const services = currentState(g.ctx, g.tenant).services.map((s) => toWireService(s, expand, g.ctx.style));
  return pageOf(g, services, `healthOverviews${expand ? '(issues())' : ''}`, '$skiptoken');
}

/** One service, by id or display name; its `issues` navigation answers 404 as live Graph does. */
function oneService(g: GraphRequest, key: string, tail: string | undefined): Outcome {
  if (tail === 'issues') return failures.notFound(`The navigation property 'issues' of '${key}'`);
  if (tail !== undefined) return failures.segmentNotFound(tail);
  const expand = readExpand(g);
  if (typeof expand !== 'boolean') return expand;
  const lower = key.toLowerCase();
  const services = currentState(g.ctx, g.tenant).services;
  const service = services.find((s) => s.id.toLowerCase() === lower || s.name.toLowerCase() === lower);
  if (!service) return failures.notFound(`Service '${key}'`);
  const entity = toWireService(service, expand, g.ctx.style);
  return answer({ '@odata.context': context(g, `healthOverviews${expand ? '(issues())' : ''}/$entity`), ...entity });
}

function listIssues(g: GraphRequest): Outcome {
  const filter = g.url.searchParams.get('$filter');
  const keep = filter === null ? () => true : parseIssueFilter(filter);
  if (typeof keep === 'string') return failures.badQuery(keep);
  const issues = currentState(g.ctx, g.tenant).issues.map((x) => toWireIssue(x, g.ctx.style));
  return pageOf(
    g,
    issues.filter((x) => keep(x as unknown as Record<string, unknown>)),
    'issues',
    '$skip',
  );
}

function oneIssue(g: GraphRequest, id: string, tail: string | undefined): Outcome {
  const issue = currentState(g.ctx, g.tenant).issues.find((x) => x.id === id);
  if (!issue) return failures.notFound(`Issue '${id}'`);
  if (tail === 'incidentReport') return failures.notFound(`The incident report of '${id}'`);
  if (tail !== undefined) return failures.segmentNotFound(tail);
  return answer({ '@odata.context': context(g, 'issues/$entity'), ...toWireIssue(issue, g.ctx.style) });
}

/** The message center, for apps that hold ServiceMessage.Read.All. */
function listMessages(g: GraphRequest): Outcome {
  if (!g.messagePermission) return failures.missingMessagePermission;
  const tenant = g.ctx.index.tenantNamed(g.tenant);
  const messages = tenant ? listServiceMessages(tenant, g.ctx.startMs, g.ctx.clock(), g.ctx.style) : [];
  return pageOf(g, messages, 'messages', '$skip');
}

/** One page of a collection, with an absolute `@odata.nextLink` unless it is the last. */
function pageOf(g: GraphRequest, all: object[], contextPath: string, style: '$skip' | '$skiptoken'): Outcome {
  const request = readPageRequest(g.url.searchParams, String(g.req.headers.prefer ?? ''));
  if (typeof request === 'string') return failures.badQuery(request);
  const size = pageSizeFor(all.length, request, g.ctx.pageSize, g.ctx.scenario.pages);
  const page = takePage(all, request.offset, size);
  const body: Record<string, unknown> = { '@odata.context': context(g, contextPath) };
  if (page.nextOffset !== undefined) {
    const value = style === '$skip' ? String(page.nextOffset) : encodeSkipToken(page.nextOffset);
    body['@odata.nextLink'] = buildNextLink(g.origin, g.url.pathname, g.url.searchParams, { name: style, value });
  }
  body['value'] = page.items;
  if (request.preferred === undefined) return answer(body);
  return answer(body, { 'preference-applied': `odata.maxpagesize=${request.preferred}` });
}

function answer(body: Record<string, unknown>, headers: Record<string, string> = {}): GraphAnswer {
  return { body, headers };
}

function context(g: GraphRequest, path: string): string {
  return `${g.origin}/v1.0/$metadata#admin/serviceAnnouncement/${path}`;
}
