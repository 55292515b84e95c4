import { isStale, type TenantStatus } from '../observation/tenant-status.ts';
import { HEALTH_UNKNOWN } from '../health/model.ts';

/** The `/status` document: per tenant, the last poll, its error, services and open issues. */
export interface StatusDocument {
  generatedAt: string;
  tenants: TenantStatusView[];
}

export interface TenantStatusView {
  name: string;
  tenantId: string;
  lastPollAt: string | null;
  lastPollOk: boolean | null;
  lastSuccessAt: string | null;
  stale: boolean;
  error: { code: string; message: string } | null;
  services: Array<{
    id: string;
    name: string;
    status: string;
    health: number;
    openIssues: Array<{
      id: string;
      title: string;
      classification: string;
      status: string;
      featureGroup: string | null;
    }>;
  }>;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Builds the status document from the agent's state (pure). */
export function buildStatusDocument(statuses: readonly TenantStatus[], now: number): StatusDocument {
  return {
    generatedAt: new Date(now).toISOString(),
    tenants: statuses.map((status) => {
      const stale = isStale(status, now);
      return {
        name: status.tenant.name,
        tenantId: status.tenant.tenantId,
        lastPollAt: iso(status.lastPollAt),
        lastPollOk: status.lastPollOk ?? null,
        lastSuccessAt: iso(status.lastSuccessAt),
        stale,
        error: status.lastError ? { code: status.lastError.code, message: status.lastError.message } : null,
        services: (status.views ?? []).map((view) => ({
          id: view.id,
          name: view.name,
          status: view.status === 'other' ? view.rawStatus : view.status,
          health: stale ? HEALTH_UNKNOWN : view.health,
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
export function readiness(statuses: readonly TenantStatus[]): { ready: boolean; waiting: string[] } {
  const waiting = statuses.filter((status) => status.lastPollAt === undefined).map((status) => status.tenant.name);
  return { ready: waiting.length === 0, waiting };
}
