import { buildEntryVariables, type EntryVariables } from './entry-variables.ts';
import type { CompiledExpression } from './expression/index.ts';
import { HEALTH_CRITICAL, HEALTH_OK, HEALTH_WARNING, type Health, type Service } from './model.ts';
import { openIssues } from './status.ts';

/** Decides the health (0 ok, 1 warning, 2 critical) of a service. */
export type HealthRule = (service: Service) => Health;

/** The two compiled expressions of a `severity` section. */
export interface SeverityRules {
  readonly critical: CompiledExpression;
  readonly warning: CompiledExpression;
}

/** Expression texts of a `severity` section. */
export interface SeverityTexts {
  readonly critical: string;
  readonly warning: string;
}

/**
 * The built-in rule (`evaluateServiceHealth`) written as severity expressions: what a key left out of every
 * `severity` section means. Critical for an interruption, or a degradation with an open incident; warning for any
 * status other than the four healthy ones; advisories alone never critical.
 */
export const DEFAULT_SEVERITY_TEXTS: SeverityTexts = Object.freeze({
  critical:
    '%{status} =~ /^serviceInterruption$/i || (%{status} =~ /^serviceDegradation$/i && %{classification} eq "incident")',
  warning: '%{status} !~ /^(serviceOperational|serviceRestored|postIncidentReviewPublished|falsePositive)$/i',
});

/**
 * The entries severity expressions are evaluated on, as `check` builds them: one per open issue of the service,
 * or one for the service alone when it has none.
 */
export function listSeverityEntries(service: Service): EntryVariables[] {
  const issues = openIssues(service);
  if (issues.length === 0) return [buildEntryVariables(service, undefined)];
  return issues.map((issue) => buildEntryVariables(service, issue));
}

/**
 * A {@link HealthRule} from severity expressions: each entry is critical when `critical` holds, else warning when
 * `warning` holds, else ok; the service takes the worst of its entries.
 */
export function createSeverityRule(rules: SeverityRules): HealthRule {
  return (service) => {
    let health: Health = HEALTH_OK;
    for (const variables of listSeverityEntries(service)) {
      if (rules.critical.evaluate(variables)) return HEALTH_CRITICAL;
      if (rules.warning.evaluate(variables)) health = HEALTH_WARNING;
    }
    return health;
  };
}
