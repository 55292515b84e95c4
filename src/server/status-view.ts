import { M365Error } from '../errors.ts';
import {
  HEALTH_WORDS,
  isCredentialExpiring,
  isPollFailing,
  summarizeEstate,
  tenantHealth,
  type EstateSummary,
  type EstateTenant,
} from '../health/estate.ts';
import type { Health } from '../health/model.ts';
import { isStale, shownHealth } from '../health/staleness.ts';
import type { ExportStatus } from '../observation/export-status.ts';
import type { Observation } from '../observation/observation.ts';
import type { SourceStatus } from '../observation/source-status.ts';

/** What the status endpoint reads, each time it answers. */
export interface StatusSource {
  /** The latest observation of every tenant, as a snapshot. */
  observations: () => readonly Observation[];
  /** The state of each signal's OTLP exports; absent: none are made. */
  exports?: () => readonly ExportStatus[];
  /** How the last list of each partner tenant's customers went; absent: none are listed. */
  sources?: () => readonly SourceStatus[];
  clock: () => number;
}

/** Tenants a page of `/status` shows at most, and when the query names no `limit`: all of a small setup. */
const PAGE_LIMIT = 1000;

/** Which tenants `/status` lists, from its query parameters (see README, "Status page and health endpoints"). */
export type TenantQuery = ReturnType<typeof parseTenantQuery>;

const TEXTS = ['q', 'tenant', 'service', 'issue'] as const;
const FLAGS = ['failing', 'expiring'] as const;
const KNOWN = new Set<string>([...TEXTS, ...FLAGS, 'health', 'offset', 'limit']);

/** Reads the query of `/status`; throws `QUERY_INVALID` naming every parameter that is wrong. */
export function parseTenantQuery(params: URLSearchParams) {
  const problems: string[] = [];
  const one = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) problems.push(`${name} is given ${values.length} times`);
    return values[0];
  };
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name)) problems.push(`unknown parameter ${JSON.stringify(name)} (known: ${[...KNOWN].join(', ')})`);
  }
  const texts = Object.fromEntries(TEXTS.map((name) => [name, one(name) || undefined]));
  const flag = (name: string): boolean | undefined => {
    const value = one(name);
    if (value === undefined || value === 'true' || value === 'false')
      return value === undefined ? value : value === 'true';
    problems.push(`${name} must be true or false, not ${JSON.stringify(value)}`);
  };
  const count = (name: string, fallback: number, min: number, max: number): number => {
    const value = one(name);
    if (value === undefined) return fallback;
    if (/^\d{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
    problems.push(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    return fallback;
  };
  const healthWord = one('health');
  const health = healthWord === undefined ? undefined : HEALTH_WORDS.indexOf(healthWord as never);
  if (health === -1)
    problems.push(`health must be one of ${HEALTH_WORDS.join(', ')}, not ${JSON.stringify(healthWord)}`);
  const query = {
    q: texts.q?.toLowerCase(),
    tenant: texts.tenant,
    service: texts.service,
    issue: texts.issue,
    health: health as Health | undefined,
    failing: flag('failing'),
    expiring: flag('expiring'),
    offset: count('offset', 0, 0, 999_999_999),
    limit: count('limit', PAGE_LIMIT, 1, PAGE_LIMIT),
  };
  if (problems.length > 0) throw new M365Error('QUERY_INVALID', `bad query: ${problems.join('; ')}`, { status: 400 });
  return query;
}

/** Whether the tenant is one the query asks for, at `now`. */
function matchesQuery(tenant: EstateTenant, query: TenantQuery, now: number): boolean {
  const { name, tenantId } = tenant.tenant;
  if (query.tenant !== undefined && name !== query.tenant) return false;
  if (query.q !== undefined && !name.toLowerCase().includes(query.q) && !tenantId.toLowerCase().includes(query.q))
    return false;
  if (query.failing !== undefined && isPollFailing(tenant) !== query.failing) return false;
  if (query.expiring !== undefined && isCredentialExpiring(tenant, now) !== query.expiring) return false;
  if (query.issue !== undefined && !tenant.views?.some((view) => view.openIssues.some((i) => i.id === query.issue)))
    return false;
  if (query.service === undefined) return query.health === undefined || tenantHealth(tenant, now) === query.health;
  const view = tenant.views?.find((candidate) => candidate.id === query.service);
  if (view === undefined) return false;
  return query.health === undefined || shownHealth(view.health, isStale(tenant, now)) === query.health;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The issues the document lists, those affecting most tenants first: the rest are counted, not listed. */
const LISTED_ISSUES = 100;

/** The `/status` document: the exports, the partner sources, the estate summed up and one page of tenants. */
export type StatusDocument = ReturnType<typeof buildStatusDocument>;

/** Builds the status document from the tenants' latest observations and the exports' state. */
export function buildStatusDocument(source: StatusSource, query: TenantQuery) {
  const observations = source.observations();
  const now = source.clock();
  const matching = observations.filter((observation) => matchesQuery(observation, query, now));
  return {
    generatedAt: new Date(now).toISOString(),
    exports: Object.fromEntries((source.exports?.() ?? []).map((state) => [state.signal, describeExports(state)])),
    sources: (source.sources?.() ?? []).map((status) => ({
      ...status,
      customers: status.customers ?? null,
      lastListedAt: iso(status.lastListedAt),
      lastFailureAt: iso(status.lastFailureAt),
      lastFailure: status.lastFailure ?? null,
    })),
    summary: describeEstate(summarizeEstate(observations, now)),
    matching: matching.length,
    offset: query.offset,
    limit: query.limit,
    tenants: matching.slice(query.offset, query.offset + query.limit).map((observation) => {
      const { tenant, outcome } = observation;
      const stale = isStale(observation, now);
      return {
        name: tenant.name,
        tenantId: tenant.tenantId,
        health: tenantHealth(observation, now),
        lastPollAt: iso(observation.polledAt),
        lastPollOk: outcome?.ok ?? null,
        lastSuccessAt: iso(observation.lastSuccessAt),
        // When the credential it signs in with expires first, and its kind; null while not known.
        credentialExpiresAt: iso(observation.credentialExpiresAt),
        credentialKind: observation.credentialKind ?? null,
        stale,
        credentialExpiring: isCredentialExpiring(observation, now),
        error: outcome?.ok === false ? { code: outcome.error.code, message: outcome.error.message } : null,
        services: (observation.views ?? []).map((view) => ({
          id: view.id,
          name: view.name,
          status: view.status === 'other' ? view.rawStatus : view.status,
          health: shownHealth(view.health, stale),
          openIssues: view.openIssues.map((issue) => ({
            id: issue.id,
            title: issue.title,
            classification: issue.classification,
            status: issue.status,
            featureGroup: issue.featureGroup ?? null,
          })),
        })),
      };
    }),
  };
}

function describeEstate(summary: EstateSummary) {
  return {
    tenants: summary.tenants,
    failingPolls: summary.failingPolls,
    credentialsExpiring: summary.credentialsExpiring,
    services: summary.services.map(({ id, name, tenants: [ok, warning, critical, unknown] }) => {
      return { id, name, ok, warning, critical, unknown };
    }),
    openIssues: summary.issues.length,
    issues: summary.issues.slice(0, LISTED_ISSUES),
  };
}

function describeExports(state: ExportStatus) {
  const { lastFailure } = state;
  return {
    endpoint: state.endpoint,
    lastSuccessAt: iso(state.lastSuccessAt),
    lastFailureAt: iso(state.lastFailureAt),
    lastFailure: lastFailure
      ? { reason: lastFailure.reason, status: lastFailure.status ?? null, errorType: lastFailure.errorType }
      : null,
    consecutiveFailures: state.consecutiveFailures,
    failingSince: iso(state.failingSince),
    failing: state.failing,
  };
}

/**
 * Ready once every tenant was polled at least once (successfully, or failed with a reason), and while no signal's
 * exports have been failing long enough to count ({@link ExportStatus.failing}); otherwise, why not, in one line.
 */
export function readiness(source: StatusSource): { ready: true } | { ready: false; reason: string } {
  const waiting = source
    .observations()
    .filter((observation) => observation.polledAt === undefined)
    .map((observation) => observation.tenant.name);
  if (waiting.length > 0)
    return { ready: false, reason: `waiting for the first poll of: ${waiting.slice(0, 20).join(', ')}` };
  const failing = (source.exports?.() ?? []).filter((state) => state.failing).map(describeFailing);
  return failing.length === 0 ? { ready: true } : { ready: false, reason: failing.join('; ') };
}

function describeFailing(state: ExportStatus): string {
  const failure = state.lastFailure;
  const why =
    failure === undefined ? '' : `: ${failure.status === undefined ? failure.errorType : `HTTP ${failure.status}`}`;
  return `${state.signal} export to ${state.endpoint} failing since ${iso(state.failingSince)}${why}`;
}
