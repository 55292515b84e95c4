import { DEFAULT_SERVICE_IDS, findCatalogueService, suggestCatalogueService } from './catalogue.ts';
import { readDuration, readInitialIssue, readOpen, readPatch } from './scenario-issue-schema.ts';
import { readMessage } from './scenario-message-schema.ts';
import { readFederatedRegistration, readRegisteredCertificate } from './scenario-credentials.ts';
import { join, type ScenarioReader } from './scenario-reader.ts';
import type { Scenario, ScenarioClient, ScenarioTenant, TimelineAction, TimelineEntry } from './scenario-types.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const DEFAULT_TOKEN_LIFETIME_S = 3599;

/** Reads the whole scenario; structural problems are collected in `r`, cross-references are checked elsewhere. */
export function readScenario(r: ScenarioReader, value: unknown, baseDir = process.cwd()): Scenario | undefined {
  const raw = r.mapping(value ?? undefined, '', ['tenants', 'timeline', 'loop', 'pages'], ['tenants']);
  if (!raw) return undefined;
  const tenants = (r.list(raw['tenants'], 'tenants') ?? []).map((t, i) =>
    readTenant(r, t, join('tenants', i), baseDir),
  );
  if (Array.isArray(raw['tenants']) && raw['tenants'].length === 0) r.fail('tenants', 'expected at least one tenant');
  const names = tenants.flatMap((t) => (t ? [t.name] : []));
  const entries = r.list(raw['timeline'], 'timeline') ?? [];
  const timeline = entries.map((e, i) => readEntry(r, e, join('timeline', i), names));
  const loopMs = readDuration(r, raw['loop'], 'loop');
  if (loopMs === 0) r.fail('loop', 'expected a duration above 0s');
  const pages = r.positiveInteger(raw['pages'], 'pages');
  if (tenants.includes(undefined) || timeline.includes(undefined)) return undefined;
  return {
    tenants: tenants as ScenarioTenant[],
    timeline: timeline as TimelineEntry[],
    loopMs,
    pages,
  };
}

function readTenant(r: ScenarioReader, value: unknown, path: string, baseDir: string): ScenarioTenant | undefined {
  const keys = ['name', 'tenant_id', 'domain', 'clients', 'token_lifetime', 'services', 'issues', 'messages'];
  const raw = r.mapping(value, path, keys, ['name', 'tenant_id', 'clients']);
  if (!raw) return undefined;
  const clients = (r.list(raw['clients'], join(path, 'clients')) ?? []).map((c, i) =>
    readClient(r, c, join(join(path, 'clients'), i), baseDir),
  );
  if (Array.isArray(raw['clients']) && clients.length === 0) {
    r.fail(join(path, 'clients'), 'expected at least one client');
  }
  const issues = (r.list(raw['issues'], join(path, 'issues')) ?? []).map((x, i) =>
    readInitialIssue(r, x, join(join(path, 'issues'), i)),
  );
  const messages = (r.list(raw['messages'], join(path, 'messages')) ?? []).map((x, i) =>
    readMessage(r, x, join(join(path, 'messages'), i)),
  );
  const lifetimeMs = readDuration(r, raw['token_lifetime'], join(path, 'token_lifetime'));
  if (lifetimeMs !== undefined && lifetimeMs < 1000) r.fail(join(path, 'token_lifetime'), 'expected at least 1s');
  return {
    name: r.string(raw['name'], join(path, 'name')) ?? '',
    tenantId: readGuid(r, raw['tenant_id'], join(path, 'tenant_id')) ?? '',
    domain: readDomain(r, raw['domain'], join(path, 'domain')),
    clients: clients.filter((c) => c !== undefined),
    tokenLifetimeSeconds: lifetimeMs === undefined ? DEFAULT_TOKEN_LIFETIME_S : Math.round(lifetimeMs / 1000),
    services: readServices(r, raw['services'], join(path, 'services')),
    issues: issues.filter((x) => x !== undefined),
    messages: messages.filter((x) => x !== undefined),
  };
}

function readClient(r: ScenarioReader, value: unknown, path: string, baseDir: string): ScenarioClient | undefined {
  const keys = [
    'client_id',
    'client_secret',
    'certificate',
    'federated',
    'expired',
    'blocked',
    'permission',
    'message_permission',
  ];
  const raw = r.mapping(value, path, keys, ['client_id']);
  if (!raw) return undefined;
  if (['client_secret', 'certificate', 'federated'].every((key) => raw[key] === undefined || raw[key] === null)) {
    r.fail(path, 'expected at least one credential: client_secret, certificate or federated');
  }
  const certificate = readRegisteredCertificate(r, raw['certificate'], join(path, 'certificate'), baseDir);
  const federated =
    raw['federated'] === undefined
      ? undefined
      : readFederatedRegistration(r, raw['federated'], join(path, 'federated'), baseDir);
  return {
    clientId: readGuid(r, raw['client_id'], join(path, 'client_id')) ?? '',
    clientSecret: r.string(raw['client_secret'], join(path, 'client_secret')) ?? '',
    ...(certificate === undefined ? {} : { certificate }),
    ...(federated === undefined ? {} : { federated }),
    ...(r.boolean(raw['blocked'], join(path, 'blocked'), false) ? { blocked: true } : {}),
    expired: r.boolean(raw['expired'], join(path, 'expired'), false),
    permission: r.boolean(raw['permission'], join(path, 'permission'), true),
    messagePermission: r.boolean(raw['message_permission'], join(path, 'message_permission'), true),
  };
}

function readGuid(r: ScenarioReader, value: unknown, path: string): string | undefined {
  const text = r.string(value, path);
  if (text === undefined) return undefined;
  return GUID.test(text) ? text.toLowerCase() : r.fail(path, `expected a GUID, got '${text}'`);
}

function readDomain(r: ScenarioReader, value: unknown, path: string): string | undefined {
  const text = r.string(value, path);
  if (text === undefined) return undefined;
  return DOMAIN.test(text) ? text.toLowerCase() : r.fail(path, `expected a domain name, got '${text}'`);
}

function readServices(r: ScenarioReader, value: unknown, path: string): string[] {
  if (value === undefined || value === null || value === 'default') return [...DEFAULT_SERVICE_IDS];
  if (!Array.isArray(value)) return r.fail(path, "expected 'default' or a list of service ids") ?? [];
  return value.flatMap((item, i) => {
    const id = r.string(item, join(path, i));
    if (id === undefined) return [];
    if (findCatalogueService(id)) return [id];
    const near = suggestCatalogueService(id);
    r.fail(join(path, i), `unknown service id '${id}'${near ? ` (did you mean '${near.id}'?)` : ''}`);
    return [];
  });
}

function readEntry(r: ScenarioReader, value: unknown, path: string, tenantNames: string[]): TimelineEntry | undefined {
  const raw = r.mapping(value, path, ['at', 'tenant', 'open', 'update', 'resolve'], ['at']);
  if (!raw) return undefined;
  const atMs = readDuration(r, raw['at'], join(path, 'at'));
  const tenant = r.string(raw['tenant'], join(path, 'tenant'));
  const action = readAction(r, raw, path);
  if (atMs === undefined || action === undefined) return undefined;
  return { atMs, tenants: tenant === undefined ? tenantNames : [tenant], action };
}

function readAction(r: ScenarioReader, raw: Record<string, unknown>, path: string): TimelineAction | undefined {
  const present = (['open', 'update', 'resolve'] as const).filter((k) => raw[k] !== undefined);
  if (present.length !== 1) {
    return r.fail(path, `expected exactly one of open, update, resolve (found ${present.length})`);
  }
  const kind = present[0];
  if (kind === 'open') {
    const issue = readOpen(r, raw['open'], join(path, 'open'));
    return issue && { type: 'open', issue };
  }
  const read = readPatch(r, raw[kind], join(path, kind));
  return read && { type: kind, id: read.id, patch: read.patch };
}
