import { HEALTH_OK, type Health } from '../health/model.ts';
import type { EntryIssue } from './check-entries.ts';
import { formatLegacyOutput, type EvaluatedLegacyService } from './format-legacy-output.ts';
import {
  NO_SERVICES_FOUND,
  createShortOutput,
  formatStateCounts,
  formatUnknown,
  type PluginOutput,
  type PluginOutputOptions,
  worstState,
} from './plugin-output.ts';

/** An entry of the Graph-language check with the state its expressions gave it. */
export interface EvaluatedEntry {
  readonly serviceName: string;
  readonly status: string;
  readonly issue: EntryIssue;
  readonly state: Health;
}

/** What a run found, in either language. */
export type PluginResult =
  | { readonly kind: 'graph'; readonly entries: readonly EvaluatedEntry[] }
  | { readonly kind: 'legacy'; readonly services: readonly EvaluatedLegacyService[] };

/**
 * Formats a run the way the Centreon plugin does. Graph language: entries' messages grouped by state
 * (`CRITICAL: a - b WARNING: c`), `OK: All services are ok` when several entries are all OK, the entry itself
 * when there is only one. Legacy language: see {@link formatLegacyOutput}. Pure.
 */
export function formatPluginOutput(result: PluginResult, options: PluginOutputOptions): PluginOutput {
  if (result.kind === 'legacy') return formatLegacyOutput(result.services, options);
  if (result.entries.length === 0) return formatUnknown(NO_SERVICES_FOUND);
  const short = createShortOutput();
  const states = result.entries.map((entry) => entry.state);
  const state = worstState(states);
  for (const entry of result.entries) {
    if (entry.state !== HEALTH_OK) short.add(entry.state, formatEntry(entry));
  }
  short.add(HEALTH_OK, result.entries.length === 1 ? formatEntry(result.entries[0]) : 'All services are ok');
  const first = short.groups(state).join(' ') + (options.perfdata ? ` | ${formatStateCounts(states)}` : '');
  const long = options.verbose ? result.entries.map(formatEntry) : [];
  return { text: [first, ...long].join('\n') + '\n', exitCode: state };
}

/** `Service 'X' status is 'Y'`, plus ` [issue: classification, id, start, title]` when the entry is not OK. */
export function formatEntry(entry: EvaluatedEntry): string {
  const text = `Service '${entry.serviceName}' status is '${entry.status}'`;
  if (entry.state === HEALTH_OK) return text;
  const { classification, id, startDateTime, title } = entry.issue;
  return `${text} [issue: ${classification}, ${id}, ${startDateTime}, ${title}]`;
}
