import type { CompiledExpression } from '../health/expression/index.ts';
import type { SeverityRules } from '../health/severity-rules.ts';
import type { CompileCache } from './compile-cache.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { sectionOf } from './values.ts';
import type { PathSegment } from './yaml-source.ts';

/** The keys a `severity` section sets, compiled; a key left out is absent. */
export type SeverityOverrides = Partial<SeverityRules>;

const KEYS = ['critical', 'warning'] as const;

/**
 * Compiles the expressions of a `severity` section (`defaults.severity` or `tenants[i].severity`) through `cache`. A
 * syntax error is a problem at the key, naming the position in the expression; an empty text is allowed and never
 * matches.
 */
export function compileSeverity(
  raw: unknown,
  at: readonly PathSegment[],
  sink: ProblemSink,
  cache: CompileCache,
): SeverityOverrides {
  const section = sectionOf(raw);
  const compiled: { -readonly [K in keyof SeverityRules]?: CompiledExpression } = {};
  for (const key of KEYS) {
    const text = section[key];
    if (typeof text !== 'string') continue;
    try {
      compiled[key] = cache.expression(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      reportProblem(sink, [...at, key], `invalid expression: ${reason}`);
    }
  }
  return compiled;
}

/**
 * The rules of a tenant: each key from the tenant's section, else from `defaults.severity`, else the built-in
 * expression (`cache`'s). `undefined` when neither section sets anything: the agent then uses the built-in rule as
 * code.
 */
export function mergeSeverity(
  tenant: SeverityOverrides,
  defaults: SeverityOverrides,
  cache: CompileCache,
): SeverityRules | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  const fallback = cache.builtInSeverity();
  return {
    critical: tenant.critical ?? defaults.critical ?? fallback.critical,
    warning: tenant.warning ?? defaults.warning ?? fallback.warning,
  };
}
