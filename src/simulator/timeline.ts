import type { ScenarioIndex } from './scenario-index.ts';
import type { TimelineAction } from './scenario-schema.ts';
import type { SimEvent } from './state-types.ts';

/** How many cycles of a looping timeline stay visible: older cycles' issues age out, as they do in Graph. */
export const RETAINED_CYCLES = 3;

/**
 * The timeline events of one tenant that have happened by `nowMs`, oldest first. In a looping scenario, cycle k ≥ 1
 * gives the issues it opens new ids, the cycle number put before the digits (`TM123456` → `TM1123456`), so every
 * cycle reads as a new incident; ids that the timeline did not open (initial issues) are kept.
 */
export function timelineEvents(index: ScenarioIndex, tenant: string, startMs: number, nowMs: number): SimEvent[] {
  const { scenario } = index;
  const entries = scenario.timeline.filter((e) => index.entryAppliesTo(e, tenant)).sort((a, b) => a.atMs - b.atMs);
  if (nowMs < startMs || entries.length === 0) return [];
  const loop = scenario.loopMs;
  const current = loop === undefined ? 0 : Math.floor((nowMs - startMs) / loop);
  const opened = new Set(entries.flatMap((e) => (e.action.type === 'open' ? [e.action.issue.id] : [])));
  const events: SimEvent[] = [];
  for (let cycle = Math.max(0, current - RETAINED_CYCLES + 1); cycle <= current; cycle++) {
    const cycleStart = startMs + cycle * (loop ?? 0);
    for (const entry of entries) {
      const at = cycleStart + entry.atMs;
      if (at > nowMs) break;
      events.push(toEvent(entry.action, at, (id) => (opened.has(id) ? cycleIssueId(id, cycle) : id)));
    }
  }
  return events;
}

/** The id an issue opened by the timeline has in a given cycle. */
export function cycleIssueId(id: string, cycle: number): string {
  if (cycle === 0) return id;
  const match = /^([A-Za-z]+)(\d+)$/.exec(id);
  return match ? `${match[1]}${cycle}${match[2]}` : `${id}-${cycle}`;
}

function toEvent(action: TimelineAction, at: number, rename: (id: string) => string): SimEvent {
  if (action.type === 'open') return { type: 'open', at, issue: { ...action.issue, id: rename(action.issue.id) } };
  return { type: action.type, at, id: rename(action.id), patch: action.patch };
}
