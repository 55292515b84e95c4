import { M365Error } from '../errors.ts';
import { compileExpression, type CompiledExpression } from '../health/expression/compile.ts';
import { ENTRY_VARIABLE_NAMES, type EntryVariables } from '../health/entry-variables.ts';
import {
  HEALTH_CRITICAL,
  HEALTH_OK,
  HEALTH_UNKNOWN,
  HEALTH_WARNING,
  type Health,
  type Service,
} from '../health/model.ts';
import { buildCheckEntries, buildLegacyServices, LEGACY_VARIABLE_NAMES } from './check-entries.ts';
import type { CustomMode, EntryFilters, StatusLevel, StatusRuleTexts } from './check-options.ts';
import type { EvaluatedEntry, PluginResult } from './format-plugin-output.ts';

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
