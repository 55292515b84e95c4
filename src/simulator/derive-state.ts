import { openIssueAt, resolveIssueAt, updateIssueAt, type DerivedIssue } from './issue-state.ts';
import type { ScenarioIndex } from './scenario-index.ts';
import type { TimelineAction } from './scenario-schema.ts';
import { findCatalogueService, statusSeverity } from './catalogue.ts';

/** Something that happens to a tenant at an instant (ms since epoch). */
export type SimEvent = { readonly at: number } & (
  TimelineAction | { readonly type: 'override'; readonly service: string; readonly status: string | null }
);

/** A change made through the programmatic API, for one tenant. */
export type ManualEvent = SimEvent & { readonly tenant: string };

export interface DerivedService {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly issues: readonly DerivedIssue[];
}

/** Everything a tenant's Graph endpoints show at one instant. */
export interface TenantState {
  readonly services: readonly DerivedService[];
  /** All issues, in the order they appeared. */
  readonly issues: readonly DerivedIssue[];
}

/** How many cycles of a looping timeline stay visible: older cycles' issues age out, as they do in Graph. */
const RETAINED_CYCLES = 3;

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
  for (const event of events) {
    if (event.type === 'override') overrides.set(event.service, event.status);
    else if (event.type === 'open') issues.set(event.issue.id, openIssueAt(event.issue, event.at));
    else {
      const issue = issues.get(event.id);
      const apply = event.type === 'update' ? updateIssueAt : resolveIssueAt;
      if (issue) issues.set(event.id, apply(issue, event.patch, event.at));
    }
  }
  const all = [...issues.values()];
  const services = tenant.services.map((id) => {
    const own = all.filter((x) => x.service === id);
    const status = overrides.get(id) ?? deriveServiceStatus(own);
    return { id, name: findCatalogueService(id)?.name ?? id, status, issues: own };
  });
  return { services, issues: all };
}

/**
 * A service's status as Microsoft rolls it up: the status of its heaviest unresolved issue (interruption, then
 * degradation, then restoring, extended recovery, verifying, investigating…), `serviceOperational` when none.
 */
function deriveServiceStatus(issues: readonly DerivedIssue[]): string {
  let worst: DerivedIssue | undefined;
  for (const issue of issues) {
    if (issue.isResolved || statusSeverity(issue.status) === 0) continue;
    if (!worst || statusSeverity(issue.status) > statusSeverity(worst.status)) worst = issue;
  }
  return worst?.status ?? 'serviceOperational';
}

/**
 * The timeline events of one tenant that have happened by `nowMs`, oldest first. In a looping scenario, cycle k ≥ 1
 * gives the issues it opens new ids (see {@link cycleIssueId}), so every cycle reads as a new incident; ids that the
 * timeline did not open (initial issues) are kept.
 */
function timelineEvents(index: ScenarioIndex, tenant: string, startMs: number, nowMs: number): SimEvent[] {
  const entries = index.timelineOf(tenant);
  if (nowMs < startMs || entries.length === 0) return [];
  const loop = index.scenario.loopMs;
  const current = loop === undefined ? 0 : Math.floor((nowMs - startMs) / loop);
  const opened = new Set(entries.flatMap((e) => (e.action.type === 'open' ? [e.action.issue.id] : [])));
  const events: SimEvent[] = [];
  for (let cycle = Math.max(0, current - RETAINED_CYCLES + 1); cycle <= current; cycle++) {
    const rename = (id: string) => (opened.has(id) ? cycleIssueId(id, cycle) : id);
    for (const entry of entries) {
      const at = startMs + cycle * (loop ?? 0) + entry.atMs;
      if (at > nowMs) break;
      events.push(toEvent(entry.action, at, rename));
    }
  }
  return events;
}

/** The id an issue opened by the timeline has in a given cycle: the cycle put before the digits (`TM1123456`). */
export function cycleIssueId(id: string, cycle: number): string {
  if (cycle === 0) return id;
  const match = /^([A-Za-z]+)(\d+)$/.exec(id);
  return match ? `${match[1]}${cycle}${match[2]}` : `${id}-${cycle}`;
}

function toEvent(action: TimelineAction, at: number, rename: (id: string) => string): SimEvent {
  if (action.type === 'open') return { type: 'open', at, issue: { ...action.issue, id: rename(action.issue.id) } };
  return { type: action.type, at, id: rename(action.id), patch: action.patch };
}
