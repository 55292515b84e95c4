import type { Service } from '../health/model.ts';
import { buildCheckEntries } from './check-entries.ts';
import type { CustomMode, EntryFilters } from './check-options.ts';
import type { EvaluatedLegacyRow, PluginResult } from './format-plugin-output.ts';
import { buildLegacyServices, type LegacyRow } from './legacy-features.ts';
import { evaluateState, type StatusRules } from './status-rules.ts';

/**
 * Turns the services of a snapshot into what the plugin prints: entries (Graph language) or services with
 * features (legacy language), each with the state the status expressions give it. Pure.
 */
export function evaluateCheck(
  services: readonly Service[],
  customMode: CustomMode,
  filters: EntryFilters,
  rules: StatusRules,
): PluginResult {
  if (customMode === 'managementapi') {
    const evaluateRow = (row: LegacyRow): EvaluatedLegacyRow => ({
      name: row.name,
      status: row.status,
      state: evaluateState(rules, row.variables),
    });
    return {
      kind: 'legacy',
      services: buildLegacyServices(services, filters).map((service) => ({
        service: evaluateRow(service.service),
        features: service.features.map(evaluateRow),
      })),
    };
  }
  return {
    kind: 'graph',
    entries: buildCheckEntries(services, filters).map((entry) => ({
      serviceName: entry.serviceName,
      status: entry.status,
      issue: entry.issue,
      state: evaluateState(rules, entry.variables),
    })),
  };
}
