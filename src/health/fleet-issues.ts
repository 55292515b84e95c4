import type { ServiceView } from './evaluate.ts';
import type { IssueVersion } from './issue-updates.ts';
import { advanceSequence, stepStamp } from './memory.ts';

/** What one tenant shows of an open issue: the version of it that tenant's last good poll read. */
export interface IssueSighting extends Readonly<Omit<IssueVersion, 'isResolved'>> {
  /** The display name of the service the issue is listed under; empty when restored from a tenant's memory. */
  readonly service: string;
  readonly title: string;
}

/** An issue as the fleet knows it: the newest version any of its tenants showed, and where it was seen first. */
export interface FleetIssue extends Omit<IssueSighting, 'service'> {
  /** The services it was listed under, in the order they were seen. */
  readonly services: readonly string[];
  readonly firstTenant: string;
  /** When the fleet first saw it (ms since epoch). */
  readonly firstSeenAt: number;
  /** The largest number of affected tenants an event reported: the next spread event is at ten times that. */
  readonly reach: number;
}

/** What the agent remembers of its fleet (and across restarts): the open issues, and its numbered history. */
export interface FleetMemory {
  readonly baselineAt: number;
  readonly sequence: number;
  readonly issues: Readonly<Record<string, FleetIssue>>;
}

/** `spread` is a tenfold growth of the affected tenants (10, 100, 1,000...) with nothing else new. */
export type FleetUpdateKind = 'opened' | 'updated' | 'spread' | 'resolved';

/** A version of an issue across the fleet: one event each. */
export interface FleetIssueUpdate {
  readonly update: FleetUpdateKind;
  readonly issueId: string;
  /** The issue as of this update; for `resolved`, as it was last seen. */
  readonly issue: FleetIssue;
  readonly previous: FleetIssue | undefined;
  /** How many of the agent's tenants show it open now. */
  readonly tenants: number;
  /** The first of them to have shown it, at most {@link FLEET_SAMPLE_SIZE}. */
  readonly sample: readonly string[];
  /** Unique per update of the fleet's history, the same when the update is detected again. */
  readonly eventId: string;
  readonly at: number;
}

/** At most this many tenant names travel in a fleet event. */
export const FLEET_SAMPLE_SIZE = 10;

/** The memory of a fleet that begins at `now`: no issue. */
export function beginFleet(now: number): FleetMemory {
  return { baselineAt: now, sequence: 0, issues: {} };
}

/** What changed between two sightings of one tenant: the issue ids whose sighting appeared, went or differs. */
export function touchedIssues(
  before: ReadonlyMap<string, IssueSighting> | undefined,
  after: ReadonlyMap<string, IssueSighting> | undefined,
): string[] {
  const touched: string[] = [];
  for (const [id, sighting] of after ?? []) if (!sameSighting(before?.get(id), sighting)) touched.push(id);
  for (const id of before?.keys() ?? []) if (!after?.has(id)) touched.push(id);
  return touched;
}

function sameSighting(a: IssueSighting | undefined, b: IssueSighting): boolean {
  return (
    a !== undefined &&
    a.service === b.service &&
    a.title === b.title &&
    a.lastModified === b.lastModified &&
    a.status === b.status &&
    a.classification === b.classification
  );
}

/** One tenant's step, as the fleet takes it in. */
export interface FleetStep {
  readonly tenant: string;
  /** What the tenant shows now (an issue absent: it no longer shows it open). */
  readonly sightings: ReadonlyMap<string, IssueSighting> | undefined;
  /** The issues the step touched ({@link touchedIssues}); only those are looked at. */
  readonly touched: readonly string[];
  /** The tenants that show an issue open after the step, in the order they began to. */
  readonly affected: (issueId: string) => ReadonlySet<string>;
  readonly now: number;
  /**
   * The tenant's first poll ever, or the memory a fleet without one begins from: what it shows that the fleet does
   * not know is taken in without an event, as a tenant's first poll is its baseline.
   */
  readonly baseline?: boolean;
}

/**
 * Advances the fleet's memory by one tenant's step and returns the updates it implies, at most one per issue:
 * `opened` when the first tenant shows an issue, `updated` when a tenant shows a newer version than any before
 * (`lastModifiedDateTime`, or under the same one another status or classification; a tenant still showing an older
 * one changes nothing), `spread` when the affected tenants first reach 10, 100, 1,000..., `resolved` when the last
 * one stops showing it open. A tenant joining or leaving is otherwise no event: the count travels in the next one.
 * Costs what the touched issues cost, whatever the size of the fleet.
 */
export function advanceFleet(
  memory: FleetMemory,
  step: FleetStep,
): { memory: FleetMemory; updates: FleetIssueUpdate[] } {
  const issues = { ...memory.issues };
  const updates: FleetIssueUpdate[] = [];
  const stamp = stepStamp(memory.baselineAt, 'f', memory.sequence);
  for (const id of new Set(step.touched)) {
    const known = memory.issues[id];
    const affected = step.affected(id);
    const seen = step.sightings?.get(id);
    const next = nextVersion(known, seen, affected.size, step);
    if (next === undefined) continue;
    if (next.update === 'resolved') delete issues[id];
    else issues[id] = next.issue;
    if (step.baseline === true && next.update === 'opened') continue;
    const sample: string[] = [];
    for (const tenant of affected) if (sample.push(tenant) >= FLEET_SAMPLE_SIZE) break;
    updates.push({
      ...next,
      issueId: id,
      previous: known,
      tenants: affected.size,
      sample,
      eventId: `${stamp}/${id}:${next.update}@${next.issue.lastModified}`,
      at: step.now,
    });
  }
  // Services and titles learnt without an update are kept too, so that the next event carries them.
  for (const id of step.touched) {
    const seen = step.sightings?.get(id);
    if (seen !== undefined && issues[id] !== undefined) issues[id] = withService(issues[id], seen);
  }
  const sequence = advanceSequence(memory.sequence, updates.length);
  return { memory: { baselineAt: memory.baselineAt, sequence, issues }, updates };
}

function nextVersion(
  known: FleetIssue | undefined,
  seen: IssueSighting | undefined,
  count: number,
  step: FleetStep,
): { update: FleetUpdateKind; issue: FleetIssue } | undefined {
  if (count === 0) return known && { update: 'resolved', issue: known };
  if (known === undefined) {
    if (seen === undefined) return undefined;
    const { title, lastModified, status, classification } = seen;
    const version = { title, lastModified, status, classification };
    const first = { services: [], firstTenant: step.tenant, firstSeenAt: step.now, reach: powerOfTen(count) };
    return { update: 'opened', issue: withService({ ...version, ...first }, seen) };
  }
  const reach = count >= known.reach * 10 ? powerOfTen(count) : known.reach;
  if (seen !== undefined && isNewer(seen, known)) {
    const { lastModified, status, classification } = seen;
    const issue = { ...known, title: seen.title || known.title, lastModified, status, classification, reach };
    return { update: 'updated', issue: withService(issue, seen) };
  }
  if (reach !== known.reach) return { update: 'spread', issue: { ...known, reach } };
  return undefined;
}

/** The largest power of ten not above `count` (at least 1). */
function powerOfTen(count: number): number {
  return 10 ** Math.floor(Math.log10(Math.max(1, count)));
}

/** The issue with the service `seen` lists it under, and its title if it had none (one restored from a memory). */
function withService(issue: FleetIssue, seen: IssueSighting): FleetIssue {
  const title = issue.title || seen.title;
  if (seen.service === '' || issue.services.includes(seen.service))
    return title === issue.title ? issue : { ...issue, title };
  return { ...issue, title, services: [...issue.services, seen.service] };
}

/** Whether a tenant shows a version the fleet has not reported: modified later, or moved under the same date. */
function isNewer(seen: IssueSighting, known: FleetIssue): boolean {
  const order = compareDates(seen.lastModified, known.lastModified);
  if (order !== 0) return order > 0;
  return seen.status !== known.status || seen.classification !== known.classification;
}

/** Orders two of Graph's dates; one that does not parse is older than any that does. */
function compareDates(a: string, b: string): number {
  const [x, y] = [Date.parse(a), Date.parse(b)];
  if (Number.isNaN(x) || Number.isNaN(y))
    return Number.isNaN(x) === Number.isNaN(y) ? a.localeCompare(b) : Number.isNaN(x) ? -1 : 1;
  return Math.sign(x - y);
}

/** What a tenant's evaluated services show open, by issue id. */
export function sightingsOfViews(views: readonly ServiceView[]): Map<string, IssueSighting> {
  const sightings = new Map<string, IssueSighting>();
  for (const view of views) {
    for (const issue of view.openIssues) {
      const { title, status, classification } = issue;
      const lastModified = issue.lastModifiedDateTime ?? '';
      sightings.set(issue.id, { service: view.name, title, lastModified, status, classification });
    }
  }
  return sightings;
}

/** What a tenant's memory remembers open, by issue id: no service or title (the next poll brings them). */
export function sightingsOfMemory(issues: Readonly<Record<string, IssueVersion>>): Map<string, IssueSighting> {
  const sightings = new Map<string, IssueSighting>();
  for (const [id, version] of Object.entries(issues)) {
    const { lastModified, status, classification } = version;
    if (!version.isResolved) sightings.set(id, { service: '', title: '', lastModified, status, classification });
  }
  return sightings;
}
