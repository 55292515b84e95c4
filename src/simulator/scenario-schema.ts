import { federatedCredential, registeredCertificate } from './scenario-credentials.ts';
import * as read from './scenario-reader.ts';
import { from, listOf, mapping, orElse, then, type Read, type ScenarioReader } from './scenario-reader.ts';
import { CLASSIFICATIONS, CLOSING_STATUSES, DEFAULT_SERVICE_IDS, ISSUE_STATUSES, ORIGINS } from './catalogue.ts';
import { findCatalogueService, suggestCatalogueService } from './catalogue.ts';
import { GUID } from '../shared/identifiers.ts';

/**
 * A simulator scenario as written in YAML, and its validated, normalised form (durations in milliseconds,
 * camelCase fields named like Graph's, defaults applied): each reader below is the one definition of both.
 */

type Parsed<R> = R extends Read<infer T> ? NonNullable<T> : never;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ID = /^[A-Za-z0-9-]{1,64}$/;
const MESSAGE_CATEGORIES = ['preventOrFixIssue', 'planForChange', 'stayInformed'];
const MESSAGE_SEVERITIES = ['normal', 'high', 'critical'];

const { text } = read;
const guid = read.matching(GUID, (value) => `expected a GUID, got '${value}'`, true);
const domain = read.matching(DOMAIN, (value) => `expected a domain name, got '${value}'`, true);
const issueId = read.matching(ID, (id) => `invalid issue id '${id}' (letters, digits and '-' only)`);
const startPoint = orElse(read.timePoint, { kind: 'offset', ms: 0 } as const);

/** A catalogue service id, with the right spelling suggested for one that differs only in case. */
const serviceId = then(text, (id, r, path) => {
  if (findCatalogueService(id)) return id;
  const near = suggestCatalogueService(id);
  return r.fail(path, `unknown service id '${id}'${near ? ` (did you mean '${near.id}'?)` : ''}`);
});

/** Changes to an open issue (`update:`, `resolve:`); absent fields keep their value. */
const PATCH = {
  id: issueId,
  classification: read.oneOf(CLASSIFICATIONS),
  status: read.oneOf(ISSUE_STATUSES),
  title: text,
  impactDescription: from('impact', text),
  feature: text,
  featureGroup: from('feature_group', text),
  /** Text of a new post (`Current status: …` or, on resolution, `Final status: …`). */
  post: text,
};

/** The fields an issue is opened with (`open:` of the timeline). */
const OPEN = {
  ...PATCH,
  classification: orElse(read.oneOf(CLASSIFICATIONS), 'advisory'),
  status: orElse(read.oneOf(ISSUE_STATUSES), 'investigating'),
  feature: orElse(text, null),
  featureGroup: from('feature_group', orElse(text, null)),
  /** Catalogue service id, e.g. `Exchange`. */
  service: text,
  origin: orElse(read.oneOf(ORIGINS), 'microsoft'),
};
const { post: _post, ...OPEN_WITHOUT_POST } = OPEN;

const impactOrTitle = <T extends { title: string; impactDescription?: string }>(fields: T) => ({
  ...fields,
  impactDescription: fields.impactDescription ?? fields.title,
});

const readOpen = then(mapping(OPEN, ['id', 'service', 'title']), impactOrTitle);

/** An issue present when the simulator starts, possibly long resolved. */
const readIssue = then(
  mapping(
    {
      ...OPEN_WITHOUT_POST,
      start: startPoint,
      end: read.timePoint,
      isResolved: from('resolved', read.flag),
      /** Post texts; the first is dated at `start`, the last at `end` when there is one. */
      posts: listOf(text),
    },
    ['id', 'service', 'title'],
  ),
  (issue) => ({ ...impactOrTitle(issue), isResolved: issue.isResolved ?? CLOSING_STATUSES.has(issue.status) }),
);

/** A message-center post (`serviceUpdateMessage`), shown from its `start`. */
const readMessage = then(
  mapping(
    {
      id: read.matching(ID, (id) => `invalid message id '${id}' (letters, digits and '-' only)`),
      title: text,
      category: orElse(read.oneOf(MESSAGE_CATEGORIES), 'stayInformed'),
      severity: orElse(read.oneOf(MESSAGE_SEVERITIES), 'normal'),
      /** Catalogue ids of the services concerned (shown by display name). */
      services: listOf(serviceId),
      tags: listOf(text),
      isMajorChange: from('major_change', orElse(read.flag, false)),
      actionRequiredBy: from('action_required_by', read.timePoint),
      start: startPoint,
      end: read.timePoint,
      /** When it is updated: its `lastModifiedDateTime` moves from `start` to this instant once it has passed. */
      modified: read.timePoint,
      /** HTML body; default the title. */
      body: text,
    },
    ['id', 'title'],
  ),
  (message) => ({ ...message, body: message.body ?? message.title }),
);

/** An app registration allowed to get tokens in a tenant. */
const CLIENT = mapping(
  {
    clientId: from('client_id', guid),
    /** Not a real credential: a value written in the scenario file; empty when the app has no secret. */
    clientSecret: from('client_secret', orElse(text, '')),
    /** PEM of the certificate registered on the app: client assertions must be signed by its key. */
    certificate: registeredCertificate,
    /** The federated credential registered on the app: which external tokens it accepts as assertions. */
    federated: read.optional(federatedCredential),
    /** The secret has expired: token requests fail with AADSTS7000222. */
    expired: orElse(read.flag, false),
    /** Conditional Access blocks the app: token requests fail with AADSTS53003. */
    blocked: orElse(read.flag, false),
    /** Whether the app has ServiceHealth.Read.All; without it Graph answers 403. */
    permission: orElse(read.flag, true),
    /** Whether the app has ServiceMessage.Read.All; without it the message center answers 403. */
    messagePermission: from('message_permission', orElse(read.flag, true)),
    /** Whether the app has Application.Read.All; without it the applications answer 403. */
    applicationPermission: from('application_permission', orElse(read.flag, true)),
    /** Whether the app has DelegatedAdminRelationship.Read.All; without it the delegated admin customers answer 403. */
    partnerPermission: from('partner_permission', orElse(read.flag, true)),
  },
  ['clientId'],
);
const CREDENTIALS = ['client_secret', 'certificate', 'federated'];

const readClient: typeof CLIENT = (r, value, path) => {
  const raw = value as Record<string, unknown> | null;
  const mapping = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  if (mapping && CREDENTIALS.every((key) => raw[key] === undefined || raw[key] === null)) {
    r.fail(path, 'expected at least one credential: client_secret, certificate or federated');
  }
  return CLIENT(r, value, path);
};

/** The whole catalogue, or a list of service ids. */
const services: Read<readonly string[]> = (r, value, path) => {
  if (value === undefined || value === null || value === 'default') return DEFAULT_SERVICE_IDS;
  if (!Array.isArray(value)) return r.fail(path, "expected 'default' or a list of service ids") ?? [];
  return listOf(serviceId)(r, value, path);
};

const tokenLifetime = then(read.duration, (ms, r, path) =>
  ms < 1000 ? r.fail(path, 'expected at least 1s') : Math.round(ms / 1000),
);

/**
 * A secret or certificate of an app registration: its key id and when it ends; optionally its description and, for
 * a secret, its hint (Graph's first three characters of the secret).
 */
const readAppCredential = mapping(
  { keyId: from('key_id', guid), end: read.timePoint, displayName: from('name', text), hint: text },
  ['keyId', 'end'],
);

/** A customer of a partner tenant, listed by `GET /v1.0/tenantRelationships/delegatedAdminCustomers`. */
export const readCustomer = mapping({ tenantId: from('tenant_id', guid), displayName: from('name', text) }, [
  'tenantId',
  'displayName',
]);

/** An app registration of the tenant, listed by `GET /v1.0/applications`. */
const readApplication = mapping(
  {
    id: guid,
    /** The application (client) id, by which `GET /v1.0/applications(appId='…')` finds it. */
    appId: from('app_id', guid),
    displayName: from('name', text),
    passwordCredentials: from('password_credentials', listOf(readAppCredential)),
    keyCredentials: from('key_credentials', listOf(readAppCredential)),
  },
  ['id', 'displayName'],
);

const readTenant = mapping(
  {
    /** Label used in the scenario, the banner and the request log. */
    name: text,
    /** Tenant GUID (lower case). */
    tenantId: from('tenant_id', guid),
    /** Initial domain alias, e.g. `contoso.onmicrosoft.com` (lower case). */
    domain,
    clients: listOf(readClient, 'client'),
    /** `expires_in` of issued tokens, seconds. */
    tokenLifetimeSeconds: from('token_lifetime', orElse(tokenLifetime, 3599)),
    /** Catalogue ids of the services this tenant reports, in order. */
    services,
    issues: listOf(readIssue),
    messages: listOf(readMessage),
    applications: listOf(readApplication),
    /** The customers of a partner tenant (granular delegated admin relationships); they need not be in the scenario. */
    customers: listOf(readCustomer),
  },
  ['name', 'tenantId', 'clients'],
);

const ENTRY = mapping({ atMs: from('at', read.duration), tenant: text, open: keep, update: keep, resolve: keep }, [
  'atMs',
]);
const readPatch = then(mapping(PATCH, ['id']), ({ id, ...patch }) => ({ id, patch }));

function keep(_r: ScenarioReader, value: unknown): unknown {
  return value;
}

/** A timeline entry: when (from the start of the cycle), for which tenant (default all), and exactly one action. */
function readEntry(r: ScenarioReader, value: unknown, path: string) {
  const entry = ENTRY(r, value, path);
  if (!entry) return undefined;
  const present = (['open', 'update', 'resolve'] as const).filter((type) => entry[type] !== undefined);
  if (present.length !== 1)
    return r.fail(path, `expected exactly one of open, update, resolve (found ${present.length})`);
  const [type] = present;
  const at = read.join(path, type);
  const action: TimelineAction | undefined =
    type === 'open'
      ? then(readOpen, (issue) => ({ type, issue }))(r, entry.open, at)
      : then(readPatch, (patch) => ({ type, ...patch }))(r, entry[type], at);
  return action && { atMs: entry.atMs, tenant: entry.tenant, action };
}

const SCENARIO = mapping(
  {
    tenants: listOf(readTenant, 'tenant'),
    timeline: listOf(readEntry),
    /** Period of the timeline, ms; undefined plays it once. */
    loopMs: from(
      'loop',
      then(read.duration, (ms, r, path) => (ms === 0 ? r.fail(path, 'expected a duration above 0s') : ms)),
    ),
    /** Splits every collection into at least this many pages. */
    pages: read.positiveInteger,
  },
  ['tenants'],
);

/** Reads the whole scenario; problems are collected in `r`, cross-references are checked elsewhere. */
export function readScenario(r: ScenarioReader, value: unknown): Scenario | undefined {
  const scenario = SCENARIO(r, value, '');
  if (!scenario) return undefined;
  const names = scenario.tenants.map((t) => t.name);
  const timeline = scenario.timeline.map(({ tenant, ...entry }) => ({
    ...entry,
    tenants: tenant === undefined ? names : [tenant],
  }));
  return { ...scenario, timeline };
}

export type { TimePoint } from './scenario-reader.ts';
export type ScenarioClient = Parsed<typeof CLIENT>;
export type IssueFields = Parsed<typeof readOpen>;
/** Changes to an open issue; absent fields keep their value. */
export type IssuePatch = Partial<Omit<IssueFields, 'id' | 'service' | 'origin'>>;
export type ScenarioIssue = Parsed<typeof readIssue>;
export type ScenarioMessage = Parsed<typeof readMessage>;
export type ScenarioTenant = Parsed<typeof readTenant>;
export type ScenarioCustomer = Parsed<typeof readCustomer>;
export type TimelineAction =
  | { readonly type: 'open'; readonly issue: IssueFields }
  | { readonly type: 'update' | 'resolve'; readonly id: string; readonly patch: IssuePatch };
export interface TimelineEntry {
  /** Offset from the start of the (current) cycle, ms. */
  readonly atMs: number;
  /** Tenant names this entry applies to. */
  readonly tenants: readonly string[];
  readonly action: TimelineAction;
}
export type Scenario = Omit<Parsed<typeof SCENARIO>, 'timeline'> & { readonly timeline: readonly TimelineEntry[] };
