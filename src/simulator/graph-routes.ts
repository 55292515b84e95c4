import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentState, type SimContext } from './context.ts';
import { GRAPH_CONTENT_TYPE, graphFailure, graphHeaders, originOf, sendGraphError, sendJson } from './http-answers.ts';
import type { GraphFailure } from './http-answers.ts';
import type { ScenarioClient, ScenarioTenant } from './scenario-schema.ts';
import { resolveTimePoint } from './timeline.ts';
import type { TokenGrant } from './tokens.ts';

/** Everything one Graph handler needs about the request: the tenant and app of its bearer token. */
interface GraphRequest {
  readonly ctx: SimContext;
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly origin: string;
  readonly tenant: ScenarioTenant;
  readonly client: ScenarioClient;
}

/** A successful answer (the JSON body and extra headers), or a Graph error. */
type Outcome = { readonly body: Record<string, unknown>; readonly headers?: Record<string, string> } | GraphFailure;

const CUSTOMERS_PATH = '/v1.0/tenantRelationships/delegatedAdminCustomers';

/** Serves one request below `/v1.0`, for the tenant of the bearer token's `grant` (see {@link findBearerGrant}). */
export function handleGraph(
  ctx: SimContext,
  grant: TokenGrant | null | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): void {
  const answer =
    grant === null
      ? graphFailure('emptyToken')
      : grant === undefined
        ? graphFailure('malformedToken')
        : grant.expiresAt <= ctx.clock()
          ? graphFailure('expiredToken')
          : routeGraph({ ctx, req, url, origin: originOf(req, ctx.url), ...grant });
  if ('code' in answer) return sendGraphError(res, answer, requestId, ctx.clock());
  sendJson(res, 200, answer.body, {
    ...graphHeaders(requestId),
    ...answer.headers,
    'content-type': GRAPH_CONTENT_TYPE,
  });
}

/** The grant behind the request's bearer token, valid or not; null without a token, undefined for an unknown one. */
export function findBearerGrant(ctx: SimContext, req: IncomingMessage): TokenGrant | null | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  return token === undefined ? null : ctx.tokens.find(token);
}

/**
 * Routes a request whose token is valid. Each collection checks the app's role as Graph does, with a 403:
 * ServiceHealth.Read.All for the service communications API, and the collection's own role for the others.
 */
function routeGraph(g: GraphRequest): Outcome {
  const { pathname } = g.url;
  const applications = /^\/v1\.0\/applications(?:$|\()/.test(pathname);
  if (!applications && pathname !== CUSTOMERS_PATH && !g.client.permission)
    return graphFailure('missingRole', 'ServiceHealth.Read.All');
  if (g.req.method !== 'GET') return graphFailure('methodNotAllowed');
  const segments = pathname.split('/').slice(2).map(decodeURIComponent);
  if (pathname === CUSTOMERS_PATH) return listCustomers(g);
  const allApps = segments.length === 1 && segments[0] === 'applications';
  const byAppId = segments.length === 1 ? /^applications\(appId='([^']*)'\)$/.exec(segments[0]) : null;
  if ((allApps || byAppId) && !g.client.applicationPermission)
    return graphFailure('missingRole', 'Application.Read.All');
  if (allApps) return listApplications(g);
  if (byAppId) return oneApplication(g, byAppId[1]);
  const [admin, announcement, collection, key, tail, ...rest] = segments;
  if (admin !== 'admin') return graphFailure('segmentNotFound', admin);
  if (announcement !== 'serviceAnnouncement') return graphFailure('segmentNotFound', announcement);
  if (rest.length > 0) return graphFailure('segmentNotFound', rest[0]);
  if (collection === 'healthOverviews') return key === undefined ? listServices(g) : oneService(g, key, tail);
  if (collection === 'issues') return key === undefined ? listIssues(g) : oneIssue(g, key, tail);
  if (collection === 'messages' && key === undefined) return listMessages(g);
  return graphFailure('segmentNotFound', collection);
}

function readExpand(g: GraphRequest): boolean | GraphFailure {
  const expand = g.url.searchParams.get('$expand');
  const unknown = expand?.split(',').find((s) => s.trim() !== 'issues');
  if (unknown === undefined) return expand !== null;
  const message = `Could not find a property named '${unknown.trim()}' on type 'microsoft.graph.serviceHealth'.`;
  return graphFailure('badQuery', message);
}

function listServices(g: GraphRequest): Outcome {
  const expand = readExpand(g);
  if (typeof expand !== 'boolean') return expand;
  const services = currentState(g.ctx, g.tenant).services.map((s) => g.ctx.wire.service(s, expand));
  const contextUrl = context(g, `healthOverviews${expand ? '(issues())' : ''}`);
  if (!g.ctx.varyAnswers) return pageOf(g, services, contextUrl, '$skiptoken');
  // Counted at each first page, so that the pages of one answer share its order.
  const first = !g.url.searchParams.has('$skiptoken');
  const answer = (g.ctx.variedAnswers.get(g.tenant.name) ?? 0) + (first ? 1 : 0);
  g.ctx.variedAnswers.set(g.tenant.name, answer);
  const turn = answer % Math.max(1, services.length);
  const page = pageOf(g, [...services.slice(turn), ...services.slice(0, turn)], contextUrl, '$skiptoken');
  return 'body' in page ? { ...page, body: { '@odata.etag': `W/"${answer}"`, ...page.body } } : page;
}

/** One service, by id or display name; its `issues` navigation answers 404 as live Graph does. */
function oneService(g: GraphRequest, key: string, tail: string | undefined): Outcome {
  if (tail === 'issues') return graphFailure('notFound', `The navigation property 'issues' of '${key}'`);
  if (tail !== undefined) return graphFailure('segmentNotFound', tail);
  const expand = readExpand(g);
  if (typeof expand !== 'boolean') return expand;
  const lower = key.toLowerCase();
  const services = currentState(g.ctx, g.tenant).services;
  const service = services.find((s) => s.id.toLowerCase() === lower || s.name.toLowerCase() === lower);
  if (!service) return graphFailure('notFound', `Service '${key}'`);
  const entity = g.ctx.wire.service(service, expand);
  return { body: { '@odata.context': context(g, `healthOverviews${expand ? '(issues())' : ''}/$entity`), ...entity } };
}

function listIssues(g: GraphRequest): Outcome {
  const filter = g.url.searchParams.get('$filter');
  const keep = filter === null ? () => true : parseIssueFilter(filter);
  if (typeof keep === 'string') return graphFailure('badQuery', keep);
  const issues = currentState(g.ctx, g.tenant).issues.map((x) => g.ctx.wire.issue(x));
  return pageOf(g, issues.filter(keep), context(g, 'issues'), '$skip');
}

function oneIssue(g: GraphRequest, id: string, tail: string | undefined): Outcome {
  const issue = currentState(g.ctx, g.tenant).issues.find((x) => x.id === id);
  if (!issue) return graphFailure('notFound', `Issue '${id}'`);
  if (tail === 'incidentReport') return graphFailure('notFound', `The incident report of '${id}'`);
  if (tail !== undefined) return graphFailure('segmentNotFound', tail);
  return { body: { '@odata.context': context(g, 'issues/$entity'), ...g.ctx.wire.issue(issue) } };
}

/** The message center, for apps that hold ServiceMessage.Read.All: messages already published, in scenario order. */
function listMessages(g: GraphRequest): Outcome {
  if (!g.client.messagePermission) return graphFailure('missingRole', 'ServiceMessage.Read.All');
  const { ctx } = g;
  const now = ctx.clock();
  const messages = g.tenant.messages
    .map((message) => ctx.wire.message(message, ctx.play.startMs, now))
    .filter((message) => Date.parse(message.startDateTime) <= now);
  return pageOf(g, messages, context(g, 'messages'), '$skip');
}

/** The tenant's app registrations with their secrets and certificates. */
function listApplications(g: GraphRequest): Outcome {
  const applications = g.tenant.applications.map((app) => applicationEntity(g, app));
  return pageOf(g, applications, `${g.origin}/v1.0/$metadata#applications`, '$skiptoken');
}

/**
 * One app registration by its application (client) id, as Graph answers `applications(appId='…')`: 404 when the
 * tenant has none with that appId (in a tenant where a multi-tenant app is only consented to, it has none), and
 * `$select` honoured, a property the application has not being a 400.
 */
function oneApplication(g: GraphRequest, appId: string): Outcome {
  const lower = appId.toLowerCase();
  const app = g.tenant.applications.find((a) => a.appId?.toLowerCase() === lower);
  if (!app) return graphFailure('resourceNotFound', appId);
  const entity: Record<string, unknown> = applicationEntity(g, app);
  const select = g.url.searchParams.get('$select');
  const fields = select === null ? Object.keys(entity) : select.split(',').map((field) => field.trim());
  const unknown = fields.find((field) => !Object.hasOwn(entity, field));
  if (unknown !== undefined) {
    return graphFailure(
      'badQuery',
      `Could not find a property named '${unknown}' on type 'microsoft.graph.application'.`,
    );
  }
  const selected = Object.fromEntries(fields.map((field) => [field, entity[field]]));
  return { body: { '@odata.context': `${g.origin}/v1.0/$metadata#applications/$entity`, ...selected } };
}

type ScenarioApplication = ScenarioTenant['applications'][number];

/** An app registration as Graph writes it: its credentials with their end, description and hint when given. */
function applicationEntity(g: GraphRequest, app: ScenarioApplication) {
  const credential = (c: ScenarioApplication['passwordCredentials'][number]) => ({
    keyId: c.keyId,
    endDateTime: new Date(resolveTimePoint(c.end, g.ctx.play.startMs)).toISOString(),
    ...(c.displayName === undefined ? {} : { displayName: c.displayName }),
    ...(c.hint === undefined ? {} : { hint: c.hint }),
  });
  return {
    id: app.id,
    ...(app.appId === undefined ? {} : { appId: app.appId }),
    displayName: app.displayName,
    passwordCredentials: app.passwordCredentials.map(credential),
    keyCredentials: app.keyCredentials.map(credential),
  };
}

/**
 * The customers of a partner tenant (the scenario's, then those added since), for apps that hold
 * DelegatedAdminRelationship.Read.All, in pages of `$top` (at most 300, as Graph documents) with `$skiptoken`.
 */
function listCustomers(g: GraphRequest): Outcome {
  if (!g.client.partnerPermission) return graphFailure('missingRole', 'DelegatedAdminRelationship.Read.All');
  const top = g.url.searchParams.get('$top');
  if (top !== null && !(/^\d+$/.test(top) && Number(top) >= 1 && Number(top) <= 300))
    return graphFailure('badQuery', `Invalid value '${top}' for $top: it must be between 1 and 300.`);
  const added = g.ctx.addedCustomers.get(g.tenant.name) ?? [];
  const customers = [...g.tenant.customers, ...added].map(({ tenantId, displayName }) => ({
    id: tenantId,
    tenantId,
    displayName,
  }));
  const contextUrl = `${g.origin}/v1.0/$metadata#tenantRelationships/delegatedAdminCustomers`;
  return pageOf(g, customers, contextUrl, '$skiptoken', top === null ? undefined : Number(top));
}

const MAX_PAGE_SIZE = 1000;

/**
 * One page of a collection as Graph cuts it: from `$skip` or `$skiptoken`, of `Prefer: odata.maxpagesize` items (up
 * to 1000) or the server's page size (split further when the scenario forces at least `pages`), with an absolute
 * `@odata.nextLink` unless it is the last: same path and options, the next position as `$skip` or as an opaque
 * `$skiptoken`, the way Graph hands out continuations.
 */
function pageOf(
  g: GraphRequest,
  all: readonly object[],
  contextUrl: string,
  style: '$skip' | '$skiptoken',
  top?: number,
): Outcome {
  const query = g.url.searchParams;
  const offset = readOffset(query);
  if (typeof offset === 'string') return graphFailure('badQuery', offset);
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(String(g.req.headers.prefer ?? ''));
  const preferred = match ? Math.min(MAX_PAGE_SIZE, Math.max(1, Number(match[1]))) : undefined;
  const size = Math.min(preferred ?? g.ctx.pageSize, top ?? Number.POSITIVE_INFINITY);
  const forced = g.ctx.scenario.pages;
  const end = offset + (forced === undefined ? size : Math.max(1, Math.min(size, Math.ceil(all.length / forced))));
  let nextLink: string | undefined;
  if (end < all.length) {
    const next = style === '$skip' ? String(end) : Buffer.from(`offset:${end}`, 'utf8').toString('base64url');
    const kept = [...query.entries()].filter(([key]) => key !== '$skip' && key !== '$skiptoken');
    const parts = [...kept, [style, next]].map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
    nextLink = `${g.origin}${g.url.pathname}?${parts.join('&')}`;
  }
  const body = {
    '@odata.context': contextUrl,
    '@odata.nextLink': nextLink,
    value: all.slice(offset, end),
  };
  if (preferred === undefined) return { body };
  return { body, headers: { 'preference-applied': `odata.maxpagesize=${preferred}` } };
}

/** Where a page starts: `$skip`, or the offset inside a `$skiptoken`; a string is the message of a 400. */
function readOffset(query: URLSearchParams): number | string {
  const [skip, token] = [query.get('$skip'), query.get('$skiptoken')];
  if (skip !== null) return /^\d+$/.test(skip) ? Number(skip) : `Invalid value '${skip}' for $skip.`;
  if (token === null) return 0;
  const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return decoded ? Number(decoded[1]) : `Invalid $skiptoken '${token}'.`;
}

function context(g: GraphRequest, path: string): string {
  return `${g.origin}/v1.0/$metadata#admin/serviceAnnouncement/${path}`;
}

const FILTERABLE = ['id', 'service', 'status', 'classification', 'featureGroup', 'feature', 'origin', 'isResolved'];
const CLAUSE = /^\s*([A-Za-z]+)\s+eq\s+('(?:[^']|'')*'|true|false)\s*$/;

/**
 * The small part of OData `$filter` that works in practice on Graph's issues: equality on a few properties, joined
 * by `and` (`isResolved eq false and service eq 'Microsoft Teams'`), strings ignoring case. A string is the message
 * of a 400 for a filter the simulator cannot evaluate.
 */
function parseIssueFilter(filter: string): ((item: object) => boolean) | string {
  const clauses = filter.split(/\s+and\s+/i).map((clause) => CLAUSE.exec(clause));
  if (clauses.some((c) => c === null)) return `Invalid filter clause: '${filter}'.`;
  const tests = (clauses as RegExpExecArray[]).map(([, property, literal]) => ({
    property,
    value: literal.startsWith("'") ? literal.slice(1, -1).replaceAll("''", "'").toLowerCase() : literal === 'true',
  }));
  const unknown = tests.find((t) => !FILTERABLE.includes(t.property));
  if (unknown)
    return `Could not find a property named '${unknown.property}' on type 'microsoft.graph.serviceHealthIssue'.`;
  return (item) =>
    tests.every(({ property, value }) => {
      const actual = (item as Record<string, unknown>)[property];
      return typeof value === 'boolean'
        ? actual === value
        : typeof actual === 'string' && actual.toLowerCase() === value;
    });
}
