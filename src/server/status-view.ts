import type { Observation } from '../observation/observation.ts';
import { isStale, shownHealth } from '../health/staleness.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The `/status` document: per tenant, the last poll, its error, services and open issues. */
export type StatusDocument = ReturnType<typeof buildStatusDocument>;

/** Builds the status document from the tenants' latest observations (pure). */
export function buildStatusDocument(observations: readonly Observation[], now: number) {
  return {
    generatedAt: new Date(now).toISOString(),
    tenants: observations.map((observation) => {
      const { tenant, outcome } = observation;
      const stale = isStale(observation, now);
      return {
        name: tenant.name,
        tenantId: tenant.tenantId,
        lastPollAt: iso(observation.polledAt),
        lastPollOk: outcome?.ok ?? null,
        lastSuccessAt: iso(observation.lastSuccessAt),
        stale,
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

/** Ready once every tenant was polled at least once (successfully, or failed with a reason). */
export function readiness(observations: readonly Observation[]): { ready: boolean; waiting: string[] } {
  const waiting = observations
    .filter((observation) => observation.polledAt === undefined)
    .map((observation) => observation.tenant.name);
  return { ready: waiting.length === 0, waiting };
}
