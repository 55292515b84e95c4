import { findCatalogueService, statusSeverity } from './catalogue.ts';
import type { IssueFields, IssuePatch, Scenario, ScenarioIssue, ScenarioTenant } from './scenario-schema.ts';
import type { TimelineAction, TimelineEntry, TimePoint } from './scenario-schema.ts';

/** Something that happens to a tenant at an instant (ms since epoch). */
export type SimEvent = { readonly at: number } & (
  TimelineAction | { readonly type: 'override'; readonly service: string; readonly status: string | null }
);

/** A change made through the programmatic API, for one tenant. */
export type ManualEvent = SimEvent & { readonly tenant: string };

/** An issue as the tenant reports it at one instant; derived issues are never changed, only replaced. */
export interface DerivedIssue extends Omit<IssueFields, 'post'> {
  readonly isResolved: boolean;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly lastModifiedMs: number;
  readonly posts: readonly { readonly createdMs: number; readonly content: string }[];
}

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
const OPENING_STATUS = "We're investigating a potential issue and will provide an update shortly.";
const FINAL_STATUS = "We've confirmed that the issue has been resolved.";

/**
 * A scenario played from `startMs`: its tenants by name, GUID or domain, and what each shows at an instant. Built
 * once for the simulator that serves it: a scenario of ten thousand tenants is searched at every request, and every
 * request derives its tenant's state afresh.
 */
export class ScenarioPlay {
  readonly scenario: Scenario;
  readonly startMs: number;
  readonly #byName = new Map<string, ScenarioTenant>();
  /** By tenant GUID and by domain, lower case (the loader made them unique). */
  readonly #byKey = new Map<string, ScenarioTenant>();
  /** Each tenant's timeline entries, in time order. */
  readonly #timelines = new Map<string, TimelineEntry[]>();
  /** Issues present at start: tenants that share their scenario issues share the derived ones too. */
  readonly #seeded = new WeakMap<ScenarioIssue, DerivedIssue>();

  constructor(scenario: Scenario, startMs: number) {
    this.scenario = scenario;
    this.startMs = startMs;
    for (const tenant of scenario.tenants) {
      this.#byName.set(tenant.name, tenant);
      this.#timelines.set(tenant.name, []);
      for (const key of [tenant.tenantId, tenant.domain]) if (key !== undefined) this.#byKey.set(key, tenant);
    }
    for (const entry of [...scenario.timeline].sort((a, b) => a.atMs - b.atMs)) {
      for (const name of entry.tenants) this.#timelines.get(name)?.push(entry);
    }
  }

  /** The tenant a login path names, by GUID or by domain, ignoring case (as Entra does). */
  tenantKeyed(key: string): ScenarioTenant | undefined {
    return this.#byKey.get(key.toLowerCase());
  }

  /** The tenant with this scenario name, GUID or domain. */
  tenant(key: string): ScenarioTenant | undefined {
    return this.#byName.get(key) ?? this.tenantKeyed(key);
  }

  /**
   * What a tenant shows at `nowMs`: initial issues first, then every timeline and manual event up to `nowMs` in time
   * order (timeline first at equal times).
   */
  state(tenant: ScenarioTenant, manual: readonly ManualEvent[], nowMs: number): TenantState {
    const events = [
      ...this.#timelineEvents(tenant.name, nowMs),
      ...manual.filter((e) => e.tenant === tenant.name && e.at <= nowMs),
    ].sort((a, b) => a.at - b.at);
    const issues = new Map(tenant.issues.map((x) => [x.id, this.#seededIssue(x)]));
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

  /** An issue present at start: its first post dated at its start, later ones at its end when it has one. */
  #seededIssue(issue: ScenarioIssue): DerivedIssue {
    const known = this.#seeded.get(issue);
    if (known) return known;
    const start = resolveTimePoint(issue.start, this.startMs);
    const end = issue.end === undefined ? null : resolveTimePoint(issue.end, this.startMs);
    const { posts: texts, start: _start, end: _end, ...fields } = issue;
    const { title, impactDescription: impact, isResolved } = issue;
    const [first, ...rest] = texts;
    if (isResolved && rest.length === 0) rest.push(FINAL_STATUS);
    const posts = [{ createdMs: start, content: formatPost(title, impact, first ?? OPENING_STATUS) }];
    rest.forEach((text, i) => {
      const last = i === rest.length - 1;
      const content = formatPost(title, impact, text, last && isResolved ? 'Final status:' : 'Current status:');
      posts.push({ createdMs: last && end !== null ? end : start, content });
    });
    const lastModifiedMs = Math.max(start, end ?? start);
    const seeded = { ...fields, startMs: start, endMs: end, lastModifiedMs, posts };
    this.#seeded.set(issue, seeded);
    return seeded;
  }

  /**
   * The timeline events of one tenant that have happened by `nowMs`, oldest first. In a looping scenario, cycle k ≥ 1
   * gives the issues it opens new ids (see {@link cycleIssueId}), so every cycle reads as a new incident; ids that the
   * timeline did not open (initial issues) are kept.
   */
  #timelineEvents(tenant: string, nowMs: number): SimEvent[] {
    const entries = this.#timelines.get(tenant) ?? [];
    if (nowMs < this.startMs || entries.length === 0) return [];
    const loop = this.scenario.loopMs;
    const current = loop === undefined ? 0 : Math.floor((nowMs - this.startMs) / loop);
    const opened = new Set(entries.flatMap((e) => (e.action.type === 'open' ? [e.action.issue.id] : [])));
    const events: SimEvent[] = [];
    for (let cycle = Math.max(0, current - RETAINED_CYCLES + 1); cycle <= current; cycle++) {
      const rename = (id: string) => (opened.has(id) ? cycleIssueId(id, cycle) : id);
      for (const { action, atMs } of entries) {
        const at = this.startMs + cycle * (loop ?? 0) + atMs;
        if (at > nowMs) break;
        if (action.type === 'open')
          events.push({ type: 'open', at, issue: { ...action.issue, id: rename(action.issue.id) } });
        else events.push({ type: action.type, at, id: rename(action.id), patch: action.patch });
      }
    }
    return events;
  }
}

/** The id an issue opened by the timeline has in a given cycle: the cycle put before the digits (`TM1123456`). */
export function cycleIssueId(id: string, cycle: number): string {
  if (cycle === 0) return id;
  const match = /^([A-Za-z]+)(\d+)$/.exec(id);
  return match ? `${match[1]}${cycle}${match[2]}` : `${id}-${cycle}`;
}

/** Resolves a scenario time point against the simulator's start. */
export function resolveTimePoint(point: TimePoint, startMs: number): number {
  return point.kind === 'offset' ? startMs + point.ms : point.ms;
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

function openIssueAt({ post, ...fields }: IssueFields, at: number): DerivedIssue {
  const content = formatPost(fields.title, fields.impactDescription, post ?? OPENING_STATUS);
  return {
    ...fields,
    isResolved: false,
    startMs: at,
    endMs: null,
    lastModifiedMs: at,
    posts: [{ createdMs: at, content }],
  };
}

/** An issue after an update; a post is added only when the patch carries one. */
function updateIssueAt(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const next = applyPatch(issue, patch, at);
  if (patch.post === undefined) return next;
  const content = formatPost(next.title, next.impactDescription, patch.post);
  return { ...next, posts: [...next.posts, { createdMs: at, content }] };
}

/** An issue after its resolution: resolved, ended, status `serviceRestored` unless the patch says otherwise. */
function resolveIssueAt(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const next = applyPatch(issue, { status: 'serviceRestored', ...patch }, at);
  const content = formatPost(next.title, next.impactDescription, patch.post ?? FINAL_STATUS, 'Final status:');
  return { ...next, isResolved: true, endMs: at, posts: [...next.posts, { createdMs: at, content }] };
}

function applyPatch(issue: DerivedIssue, { post: _post, ...fields }: IssuePatch, at: number): DerivedIssue {
  return { ...issue, ...definedFields(fields), lastModifiedMs: Math.max(at, issue.lastModifiedMs) };
}

/** The fields of `value` that are not undefined: what a patch or an API call actually says. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A post's HTML the way Microsoft writes them: `Title:`, `User Impact:`, then the text under `label` (`Current
 * status:`, or `Final status:` on resolution) unless it starts with a label of its own, sections separated by blank
 * lines. A text that starts with `Title:` is taken as the whole post.
 */
function formatPost(title: string, impact: string, text: string, label = 'Current status:'): string {
  if (/^\s*Title:/.test(text)) return toHtml(text);
  const body = /^\s*[A-Z][A-Za-z ]{2,30}:/.test(text) ? text : `${label} ${text}`;
  return [`Title: ${title}`, `User Impact: ${impact}`, body].map(toHtml).join('<br><br>');
}

function toHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\n', '<br>');
}
