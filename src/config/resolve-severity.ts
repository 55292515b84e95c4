import { compileExpression, type CompiledExpression } from '../health/expression/index.ts';
import { DEFAULT_SEVERITY_TEXTS, type SeverityRules } from '../health/severity-rules.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { sectionOf } from './setting.ts';
import type { PathSegment } from './yaml-path.ts';

/** The keys a `severity` section sets, compiled; a key left out is absent. */
export type SeverityOverrides = Partial<SeverityRules>;

const KEYS = ['critical', 'warning'] as const;

/**
 * Compiles the expressions of a `severity` section (`defaults.severity` or `tenants[i].severity`). A syntax error is
 * a problem at the key, naming the position in the expression; an empty text is allowed and never matches.
 */
export function compileSeverity(raw: unknown, at: readonly PathSegment[], sink: ProblemSink): SeverityOverrides {
  const section = sectionOf(raw);
  const compiled: { -readonly [K in keyof SeverityRules]?: CompiledExpression } = {};
  for (const key of KEYS) {
    const text = section[key];
    if (typeof text !== 'string') continue;
    try {
      compiled[key] = compileOnce(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      reportProblem(sink, [...at, key], `invalid expression: ${reason}`);
    }
  }
  return compiled;
}

/** Compiled expressions by text, so that reloading an unchanged configuration yields the very same rules. */
const compiledTexts = new Map<string, CompiledExpression>();
const MAX_REMEMBERED = 256;

function compileOnce(text: string): CompiledExpression {
  const known = compiledTexts.get(text);
  if (known) return known;
  const expression = compileExpression(text);
  if (compiledTexts.size >= MAX_REMEMBERED) compiledTexts.clear();
  compiledTexts.set(text, expression);
  return expression;
}

let builtIn: SeverityRules | undefined;

/** The built-in rule as compiled expressions, for keys no section sets. */
function builtInRules(): SeverityRules {
  builtIn ??= {
    critical: compileOnce(DEFAULT_SEVERITY_TEXTS.critical),
    warning: compileOnce(DEFAULT_SEVERITY_TEXTS.warning),
  };
  return builtIn;
}

/**
 * The rules of a tenant: each key from the tenant's section, else from `defaults.severity`, else the built-in
 * expression. `undefined` when neither section sets anything: the agent then uses the built-in rule as code.
 */
export function mergeSeverity(tenant: SeverityOverrides, defaults: SeverityOverrides): SeverityRules | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  const fallback = builtInRules();
  return {
    critical: tenant.critical ?? defaults.critical ?? fallback.critical,
    warning: tenant.warning ?? defaults.warning ?? fallback.warning,
  };
}
