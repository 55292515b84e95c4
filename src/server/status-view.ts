import type { Observation } from '../observation/observation.ts';
import { isStale, shownHealth } from '../health/staleness.ts';
import { isCredentialExpiring, summarizeEstate, tenantHealth, type EstateSummary } from '../health/estate.ts';
import type { ExportStatus } from '../observation/export-status.ts';
import type { SourceStatus } from '../observation/source-status.ts';
import { DEFAULT_LIMIT, matchesQuery, type TenantQuery } from './tenant-query.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The issues the document lists, those affecting most tenants first: the rest are counted, not listed. */
const LISTED_ISSUES = 100;

/** Every tenant, from the first: `/status` without a query. */
const ALL_TENANTS: TenantQuery = {
  q: undefined,
  tenant: undefined,
  health: undefined,
  service: undefined,
  issue: undefined,
  failing: undefined,
  expiring: undefined,
  offset: 0,
  limit: DEFAULT_LIMIT,
};

/**
 * The `/status` document: per signal, its exports; the partner tenants whose customers are listed; the estate
 * summed up; and one page of the tenants the query asks
 * for, each with its last poll, its error, services and open issues.
 */
export type StatusDocument = ReturnType<typeof buildStatusDocument>;

/** Builds the status document from the tenants' latest observations and the exports' state (pure). */
export function buildStatusDocument(
  observations: readonly Observation[],
  now: number,
  exports: readonly ExportStatus[],
  query: TenantQuery = ALL_TENANTS,
  sources: readonly SourceStatus[] = [],
) {
  const matching = observations.filter((observation) => matchesQuery(observation, query, now));
  return {
    generatedAt: new Date(now).toISOString(),
    exports: Object.fromEntries(exports.map((state) => [state.signal, describeExports(state)])),
    sources: sources.map((status) => ({
      source: status.source,
      partner: status.partner,
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
    services: summary.services.map(({ id, name, tenants: [ok, warning, critical, unknown] }) => ({
      id,
      name,
      ok,
      warning,
      critical,
      unknown,
    })),
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
export function readiness(
  observations: readonly Observation[],
  exports: readonly ExportStatus[],
): { ready: true } | { ready: false; reason: string } {
  const waiting = observations
    .filter((observation) => observation.polledAt === undefined)
    .map((observation) => observation.tenant.name);
  if (waiting.length > 0)
    return { ready: false, reason: `waiting for the first poll of: ${waiting.slice(0, 20).join(', ')}` };
  const failing = exports.filter((state) => state.failing).map(describeFailing);
  return failing.length === 0 ? { ready: true } : { ready: false, reason: failing.join('; ') };
}

function describeFailing(state: ExportStatus): string {
  const failure = state.lastFailure;
  const why =
    failure === undefined ? '' : `: ${failure.status === undefined ? failure.errorType : `HTTP ${failure.status}`}`;
  return `${state.signal} export to ${state.endpoint} failing since ${iso(state.failingSince)}${why}`;
}
