import type { Health, Issue, ServiceStatus } from './model.ts';
import type { SharedRecords } from './interner.ts';
import type { ServiceView } from './evaluate.ts';

/** What is remembered of a service between polls (and across restarts). */
export type RememberedService = Pick<ServiceView, 'name' | 'status' | 'health'>;

/** A service's status changed between two polls. */
export interface StatusChange {
  kind: 'status_change';
  serviceId: string;
  serviceName: string;
  status: ServiceStatus;
  previousStatus: ServiceStatus;
  health: Health;
  previousHealth: Health;
  openIssueIds: string[];
  /** The open issue most likely behind the change (worst classification, latest modified). */
  trigger: Issue | undefined;
  /** When the change was seen (ms since epoch). */
  at: number;
  /**
   * `<stamp>/<service>:<status before>><status>:<health before>><health>`: unique per transition of the tenant's
   * history, the same when the transition is detected again.
   */
  eventId: string;
}

/** What makes two remembered services the same: name, status and health. */
export const rememberedServiceKey = (service: RememberedService) =>
  `${service.name}\u0000${service.status}\u0000${service.health}`;

/**
 * Compares a fresh evaluation with what was remembered: one change per service whose status or health differs
 * (an advisory escalated to an incident keeps `serviceDegradation` but becomes critical). A service
 * seen for the first time (or the first poll of a tenant) yields no change; a vanished service is forgotten.
 * `stamp` (`stepStamp`) numbers the step: each change's id is the stamp, the service and its transition. What is
 * remembered is the copies of `shared`.
 */
export function detectStatusChanges(
  previous: Readonly<Record<string, RememberedService>> | undefined,
  views: readonly ServiceView[],
  now: number,
  stamp: string,
  shared: SharedRecords<RememberedService>,
): { services: Record<string, RememberedService>; changes: StatusChange[] } {
  const services: Record<string, RememberedService> = {};
  const changes: StatusChange[] = [];
  for (const view of views) {
    const before = previous?.[view.id];
    const same = before !== undefined && before.status === view.status && before.health === view.health;
    const remembered = () => ({ name: view.name, status: view.status, health: view.health });
    services[view.id] = same && before.name === view.name ? before : shared.share(view, remembered);
    if (before === undefined || same) continue;
    changes.push({
      kind: 'status_change',
      serviceId: view.id,
      serviceName: view.name,
      status: view.status,
      previousStatus: before.status,
      health: view.health,
      previousHealth: before.health,
      openIssueIds: view.openIssues.map((issue) => issue.id),
      trigger: pickTrigger(view.openIssues),
      at: now,
      eventId: `${stamp}/${view.id}:${before.status}>${view.status}:${before.health}>${view.health}`,
    });
  }
  return { services: shared.keep(previous, services), changes };
}

/** The issue an on-call person should read first: incidents before advisories, then the latest modified. */
export function pickTrigger(issues: readonly Issue[]): Issue | undefined {
  const rank = (issue: Issue) => (issue.classification === 'incident' ? 1 : 0);
  return [...issues].sort(
    (a, b) => rank(b) - rank(a) || (b.lastModifiedDateTime ?? '').localeCompare(a.lastModifiedDateTime ?? ''),
  )[0];
}
