import { M365Error } from '../errors.ts';
import type { CompiledExpression } from '../health/expression/compile.ts';
import { HEALTH_CRITICAL, HEALTH_OK, HEALTH_UNKNOWN, HEALTH_WARNING, type Health } from '../health/model.ts';
import type { ExpressionCompiler } from '../health/severity-rules.ts';
import type { EntryVariables } from './check-entries.ts';
import type { StatusRuleTexts } from './check-options.ts';

/** The compiled `--critical-status`, `--warning-status` and `--unknown-status`. */
export interface StatusRules {
  readonly critical: CompiledExpression;
  readonly warning: CompiledExpression;
  readonly unknown: CompiledExpression;
}

/**
 * Compiles the three expressions through `compiler`; a syntax error is rethrown naming the option and the position.
 */
export function compileStatusRules(texts: StatusRuleTexts, compiler: ExpressionCompiler): StatusRules {
  const compile = (option: string, text: string) => compileRule(option, text, compiler);
  return {
    critical: compile('critical-status', texts.critical),
    warning: compile('warning-status', texts.warning),
    unknown: compile('unknown-status', texts.unknown),
  };
}

function compileRule(option: string, text: string, compiler: ExpressionCompiler): CompiledExpression {
  try {
    return compiler.expression(text);
  } catch (error) {
    if (error instanceof M365Error) throw new M365Error(error.code, `--${option}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The state of one entry: critical is tested first, then warning, then unknown; the first match wins. */
export function evaluateState(rules: StatusRules, variables: EntryVariables): Health {
  if (rules.critical.evaluate(variables)) return HEALTH_CRITICAL;
  if (rules.warning.evaluate(variables)) return HEALTH_WARNING;
  if (rules.unknown.evaluate(variables)) return HEALTH_UNKNOWN;
  return HEALTH_OK;
}
