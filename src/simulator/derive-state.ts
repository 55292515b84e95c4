import { findCatalogueService } from './catalogue.ts';
import { openIssueAt, resolveIssueAt, updateIssueAt } from './issue-state.ts';
import type { ScenarioIndex } from './scenario-index.ts';
import type { ScenarioTenant } from './scenario-schema.ts';
import type { DerivedIssue, DerivedService, ManualEvent, SimEvent, TenantState } from './state-types.ts';
import { statusSeverity } from './statuses.ts';
import { timelineEvents } from './timeline.ts';

/**
 * What a tenant shows at `nowMs`: a pure function of the scenario (looked up through its `index`), the changes
 * made through the programmatic API, the simulator's start and the current time. Initial issues come first, then
 * every timeline and manual event up to `nowMs` in time order (timeline first at equal times).
 */
export function deriveTenantState(
  index: ScenarioIndex,
  tenantName: string,
  manual: readonly ManualEvent[],
  startMs: number,
  nowMs: number,
): TenantState {
  const tenant = index.tenantNamed(tenantName);
  if (!tenant) throw new RangeError(`unknown tenant '${tenantName}'`);
  const events = [
    ...timelineEvents(index, tenantName, startMs, nowMs),
    ...manual.filter((e) => e.tenant === tenantName && e.at <= nowMs),
  ].sort((a, b) => a.at - b.at);
  const issues = new Map(tenant.issues.map((x) => [x.id, index.seededIssue(x, startMs)]));
  const overrides = new Map<string, string | null>();
  for (const event of events) applyEvent(issues, overrides, event);
  return { services: deriveServices(tenant, [...issues.values()], overrides), issues: [...issues.values()] };
}

function applyEvent(issues: Map<string, DerivedIssue>, overrides: Map<string, string | null>, event: SimEvent): void {
  if (event.type === 'override') {
    overrides.set(event.service, event.status);
  } else if (event.type === 'open') {
    issues.set(event.issue.id, openIssueAt(event.issue, event.at));
  } else {
    const issue = issues.get(event.id);
    if (!issue) return;
    const apply = event.type === 'update' ? updateIssueAt : resolveIssueAt;
    issues.set(event.id, apply(issue, event.patch, event.at));
  }
}

function deriveServices(
  tenant: ScenarioTenant,
  issues: DerivedIssue[],
  overrides: ReadonlyMap<string, string | null>,
): DerivedService[] {
  return tenant.services.map((id) => {
    const own = issues.filter((x) => x.service === id);
    const status = overrides.get(id) ?? deriveServiceStatus(own);
    return { id, name: findCatalogueService(id)?.name ?? id, status, issues: own };
  });
}

/**
 * A service's status as Microsoft rolls it up: the status of its heaviest unresolved issue (interruption, then
 * degradation, then restoring, extended recovery, verifying, investigating…), `serviceOperational` when none.
 */
export function deriveServiceStatus(issues: readonly DerivedIssue[]): string {
  let worst: DerivedIssue | undefined;
  for (const issue of issues) {
    if (issue.isResolved || statusSeverity(issue.status) === 0) continue;
    if (!worst || statusSeverity(issue.status) > statusSeverity(worst.status)) worst = issue;
  }
  return worst?.status ?? 'serviceOperational';
}
