import { buildEntryVariables, type EntryVariables } from './entry-variables.ts';
import { compileExpression, type CompiledExpression } from './expression/compile.ts';
import { Interner } from './interner.ts';
import { HEALTH_CRITICAL, HEALTH_OK, HEALTH_WARNING, type Health, type Service } from './model.ts';
import { openIssues } from './status.ts';

/** Decides the health (0 ok, 1 warning, 2 critical) of a service. */
export type HealthRule = (service: Service) => Health;

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

/** Distinct expression texts remembered; past this the compiler starts over, which costs only compiling them again. */
const MAX_REMEMBERED = 256;

/**
 * Compiles expression texts, each distinct text once for the compiler's life: the agent keeps one for all its
 * tenants and reloads (a thousand tenants with the same `severity` share one compiled rule), `check` one per run.
 */
export class ExpressionCompiler {
  readonly #expressions = new Interner<CompiledExpression>(MAX_REMEMBERED);

  /**
   * The compiled form of `text`.
   *
   * @throws M365Error `EXPRESSION_SYNTAX`, as {@link compileExpression}; nothing is remembered then.
   */
  expression(text: string): CompiledExpression {
    return this.#expressions.intern(text, () => compileExpression(text));
  }

  /**
   * The {@link HealthRule} of a `severity` section's texts: each entry is critical when `critical` holds, else warning
   * when `warning` holds, else ok; the service takes the worst of its entries.
   *
   * @throws M365Error `EXPRESSION_SYNTAX` for a text the configuration would have refused.
   */
  severityRule(texts: SeverityTexts): HealthRule {
    const [critical, warning] = [this.expression(texts.critical), this.expression(texts.warning)];
    return (service) => {
      let health: Health = HEALTH_OK;
      for (const variables of listSeverityEntries(service)) {
        if (critical.evaluate(variables)) return HEALTH_CRITICAL;
        if (warning.evaluate(variables)) health = HEALTH_WARNING;
      }
      return health;
    };
  }
}
