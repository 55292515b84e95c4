import { ENTRY_VARIABLE_NAMES } from '../health/entry-variables.ts';
import type { CustomMode } from './check-options.ts';
import { LEGACY_VARIABLE_NAMES } from './legacy-features.ts';
import type { StatusRules } from './status-rules.ts';

/** The variables an entry of each custom mode has. */
export function knownVariables(customMode: CustomMode): readonly string[] {
  return customMode === 'managementapi' ? LEGACY_VARIABLE_NAMES : ENTRY_VARIABLE_NAMES;
}

/**
 * One warning per threshold option that reads a variable no entry has (`%{stauts}`): Centreon reads it as empty,
 * and so does this check, so a typo makes a threshold that never matches. The run goes on; this only says so.
 */
export function warnUnknownVariables(rules: StatusRules, known: readonly string[]): string[] {
  const options = [
    ['critical-status', rules.critical],
    ['warning-status', rules.warning],
    ['unknown-status', rules.unknown],
  ] as const;
  const list = known.map((name) => `%{${name}}`).join(', ');
  return options.flatMap(([option, rule]) => {
    const unknown = rule.variables.filter((name) => !known.includes(name));
    if (unknown.length === 0) return [];
    const names = unknown.map((name) => `%{${name}}`).join(', ');
    const noun = unknown.length === 1 ? 'variable' : 'variables';
    return [`WARNING: --${option} reads unknown ${noun} ${names}, always empty; the variables are ${list}`];
  });
}
