import { M365Error } from '../errors.ts';
import { compileExpression, type CompiledExpression } from '../health/expression/compile.ts';
import { buildEntryVariables, ENTRY_VARIABLE_NAMES, type EntryVariables } from '../health/entry-variables.ts';
import { issuesOfGroup, listFeatureGroups, worstIssue } from '../health/feature-groups.ts';
import {
  HEALTH_CRITICAL,
  HEALTH_OK,
  HEALTH_UNKNOWN,
  HEALTH_WARNING,
  type Health,
  type Issue,
  type Service,
} from '../health/model.ts';
import { displayStatus } from '../health/status.ts';
import type { CustomMode, EntryFilters, StatusLevel, StatusRuleTexts } from './check-options.ts';
import type { EvaluatedEntry, PluginResult } from './format-plugin-output.ts';
import type { FilterRegex } from './parse-argv.ts';

/** The service's issues that count: resolved ones left out unless asked for. */
function relevantIssues(service: Service, filters: EntryFilters): Issue[] {
  return service.issues.filter((issue) => !(filters.excludeResolved && issue.isResolved));
}

/** Whether a value passes an include/exclude pair of filters (absent filters let everything through). */
function passes(value: string, include: FilterRegex | undefined, exclude: FilterRegex | undefined): boolean {
  return (include === undefined || include.test(value)) && (exclude === undefined || !exclude.test(value));
}

/** Whether an issue's classification passes `--include-classification` / `--exclude-classification`. */
function passesClassification(issue: Issue, filters: EntryFilters): boolean {
  return passes(issue.classification, filters.includeClassification, filters.excludeClassification);
}

/** Whether a service's name passes `--include-service-name` / `--exclude-service-name`. */
function passesServiceName(service: Service, filters: EntryFilters): boolean {
  return passes(service.name, filters.includeServiceName, filters.excludeServiceName);
}

/**
 * The entries of a check, in the API's order, each as the variables its expressions read: one per relevant issue of
 * each selected service, or one for the service itself when it has no relevant issue (a service whose issues are
 * all resolved stays, with its own status). A service whose relevant issues are all of excluded classifications is
 * left out, as in Centreon.
 */
export function buildCheckEntries(services: readonly Service[], filters: EntryFilters): EntryVariables[] {
  const entries: EntryVariables[] = [];
  for (const service of services) {
    if (!passesServiceName(service, filters)) continue;
    const issues = relevantIssues(service, filters);
    if (issues.length === 0) entries.push(buildEntryVariables(service, undefined));
    for (const issue of issues) {
      if (passesClassification(issue, filters)) entries.push(buildEntryVariables(service, issue));
    }
  }
  return entries;
}

/**
 * A service as the retired Management API showed it, each row as the variables its expressions read: its own row
 * (`feature_name` empty), then its features sorted by name.
 */
export interface LegacyService {
  readonly service: EntryVariables;
  readonly features: readonly EntryVariables[];
}

const NORMAL = displayStatus('serviceOperational', 'serviceOperational');

/** The variables of a legacy row: the service's, and the feature's with the worst of its issues. */
const LEGACY_VARIABLE_NAMES: readonly string[] = Object.freeze([
  'status',
  'service_name',
  'service_id',
  'feature_name',
  'feature_group',
  'classification',
  'issue_title',
  'issue_startDateTime',
  'issue_id',
  'issue_status',
]);

/**
 * The legacy view of the selected services: each service's row with its display status, and its features —
 * the legacy catalogue's plus every feature group of its relevant issues — each with the worst status of those
 * issues (`Normal service` when none), filtered by `--filter-feature-name` and sorted by name.
 */
export function buildLegacyServices(services: readonly Service[], filters: EntryFilters): LegacyService[] {
  return services
    .filter((service) => passesServiceName(service, filters))
    .map((service) => buildLegacyService(service, filters));
}

function buildLegacyService(service: Service, filters: EntryFilters): LegacyService {
  const status = displayStatus(service.status, service.rawStatus);
  const common = { service_name: service.name, service_id: service.id };
  const issues = relevantIssues(service, filters).filter((issue) => passesClassification(issue, filters));
  const features = listFeatureGroups(service, issues)
    .filter((name) => filters.featureName === undefined || filters.featureName.test(name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => buildFeatureRow(name, issues, common));
  return { service: Object.freeze({ ...common, status, feature_name: '', feature_group: '' }), features };
}

function buildFeatureRow(name: string, issues: readonly Issue[], common: Record<string, string>): EntryVariables {
  const worst = worstIssue(issuesOfGroup(issues, name));
  const status = worst === undefined ? NORMAL : displayStatus(worst.status, worst.rawStatus);
  const issueVariables: Record<string, string> =
    worst === undefined
      ? {}
      : {
          classification: worst.classification,
          issue_id: worst.id,
          issue_title: worst.title,
          issue_status: worst.rawStatus,
          issue_startDateTime: worst.startDateTime ?? '-',
        };
  return Object.freeze({ ...common, ...issueVariables, status, feature_name: name, feature_group: name });
}

/** The services `list-services` shows: `--filter-name` and the service-name filters applied, sorted by id. */
export function selectListedServices(
  services: readonly Service[],
  filterName: FilterRegex | undefined,
  filters: EntryFilters,
): Service[] {
  return services
    .filter((service) => filterName === undefined || filterName.test(service.name))
    .filter((service) => passesServiceName(service, filters))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The compiled `--critical-status`, `--warning-status` and `--unknown-status`, or the rules of another mode. */
export type StatusRules = Readonly<Record<StatusLevel, CompiledExpression>>;

const LEVELS: readonly StatusLevel[] = ['critical', 'warning', 'unknown'];

/**
 * Compiles the three expressions; a syntax error is rethrown naming the option (`optionOf` the level: by default
 * `--critical-status` and the like) and the position.
 */
export function compileStatusRules(
  texts: StatusRuleTexts,
  optionOf = (level: StatusLevel): string => `${level}-status`,
): StatusRules {
  const compile = (level: StatusLevel): CompiledExpression => {
    try {
      return compileExpression(texts[level]);
    } catch (error) {
      if (!(error instanceof M365Error)) throw error;
      throw new M365Error(error.code, `--${optionOf(level)}: ${error.message}`, { cause: error });
    }
  };
  return { critical: compile('critical'), warning: compile('warning'), unknown: compile('unknown') };
}

/** The state of one entry: critical is tested first, then warning, then unknown; the first match wins. */
export function evaluateState(rules: StatusRules, variables: EntryVariables): Health {
  if (rules.critical.evaluate(variables)) return HEALTH_CRITICAL;
  if (rules.warning.evaluate(variables)) return HEALTH_WARNING;
  if (rules.unknown.evaluate(variables)) return HEALTH_UNKNOWN;
  return HEALTH_OK;
}

/**
 * One warning per threshold option that reads a variable no entry of `customMode` has (`%{stauts}`): Centreon reads
 * it as empty, and so does this check, so a typo makes a threshold that never matches. The run goes on; this only
 * says so.
 */
export function warnUnknownVariables(rules: StatusRules, customMode: CustomMode): string[] {
  const known = customMode === 'managementapi' ? LEGACY_VARIABLE_NAMES : ENTRY_VARIABLE_NAMES;
  const list = known.map((name) => `%{${name}}`).join(', ');
  return LEVELS.flatMap((level) => {
    const unknown = rules[level].variables.filter((name) => !known.includes(name));
    if (unknown.length === 0) return [];
    const names = unknown.map((name) => `%{${name}}`).join(', ');
    const noun = unknown.length === 1 ? 'variable' : 'variables';
    return [`WARNING: --${level}-status reads unknown ${noun} ${names}, always empty; the variables are ${list}`];
  });
}

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
  const evaluate = (variables: EntryVariables): EvaluatedEntry => ({
    variables,
    state: evaluateState(rules, variables),
  });
  if (customMode === 'graphapi') return { kind: 'graph', entries: buildCheckEntries(services, filters).map(evaluate) };
  return {
    kind: 'legacy',
    services: buildLegacyServices(services, filters).map(({ service, features }) => ({
      service: evaluate(service),
      features: features.map(evaluate),
    })),
  };
}
