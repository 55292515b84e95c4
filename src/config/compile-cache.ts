import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { compileExpression, type CompiledExpression } from '../health/expression/index.ts';
import { Interner } from '../health/interner.ts';
import type { SeverityRules } from '../health/severity-rules.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';

/** Distinct severity texts remembered; past this the cache starts over, which costs only compiling them again. */
const MAX_REMEMBERED = 256;

/**
 * What loading a configuration compiles: the schema validators (tens of milliseconds each) and the severity
 * expressions. Whoever loads the same configuration again (the agent, at each reload) keeps one and passes it to
 * every load, so that a reload compiles nothing new and an unchanged severity text yields the very same rules,
 * which a reload then sees as no change.
 */
export class CompileCache {
  readonly #validators = new Map<object, ValidateFunction>();
  readonly #expressions = new Interner<CompiledExpression>(MAX_REMEMBERED);
  #builtIn: SeverityRules | undefined;

  /** The validator of a JSON schema (with the `kind` keyword of `schema.ts`), compiled on first use. */
  validator(schema: object): ValidateFunction {
    let validate = this.#validators.get(schema);
    if (validate === undefined) {
      const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
      ajv.addKeyword({ keyword: 'kind', schemaType: 'string' });
      validate = ajv.compile(schema);
      this.#validators.set(schema, validate);
    }
    return validate;
  }

  /**
   * The compiled form of a severity expression.
   *
   * @throws M365Error `EXPRESSION_SYNTAX`, as {@link compileExpression}; nothing is remembered then.
   */
  expression(text: string): CompiledExpression {
    return this.#expressions.intern(text, () => compileExpression(text));
  }

  /** The built-in rule as compiled expressions, for keys no section sets: the same objects for the cache's life. */
  builtInSeverity(): SeverityRules {
    this.#builtIn ??= {
      critical: this.expression(CONFIG_DEFAULTS.tenant.severity.critical),
      warning: this.expression(CONFIG_DEFAULTS.tenant.severity.warning),
    };
    return this.#builtIn;
  }
}
