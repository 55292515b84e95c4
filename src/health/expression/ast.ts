import { M365Error } from '../../errors.ts';
import type { CompiledRegex } from './regex-compile.ts';

/** A piece of a string literal: literal text, or a `%{name}` interpolated in a double-quoted string. */
export type StringPart = string | { readonly variable: string };

/** Prefix operators: Perl's `!` and unary minus bind tightest, `not` sits just above `and`. */
export type UnaryOperator = '!' | '-' | 'not';

/** Operators that compare two scalars (numerically, or as strings for the word forms). */
export type ComparisonOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';

/** Short-circuit operators; the word forms only differ by precedence. */
export type LogicalOperator = '&&' | '||' | 'and' | 'or';

/** Any binary operator of the language except the regex match operators. */
export type BinaryOperator = ComparisonOperator | LogicalOperator;

/** A node of the parsed expression. The tree carries no positions, so equal texts give deep-equal trees. */
export type Expression =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'string'; readonly parts: readonly StringPart[] }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'unary'; readonly operator: UnaryOperator; readonly operand: Expression }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
    }
  | { readonly kind: 'match'; readonly negated: boolean; readonly subject: Expression; readonly regex: RegexLiteral };

/** A `/pattern/flags` literal as written, with its translation to a linear-time RE2 program. */
export interface RegexLiteral {
  /** The Perl pattern between the slashes, escapes untouched. */
  readonly pattern: string;
  /** The Perl flags, a subset of `imsx`. */
  readonly flags: string;
  readonly compiled: CompiledRegex;
}

/**
 * Binding strength of binary operators, Perl's order (higher binds tighter):
 * `=~ !~` > relational > equality > `&&` > `||` > `not` > `and` > `or`. `!` and unary minus bind tighter than all.
 */
export const BINARY_PRECEDENCE: Readonly<Record<BinaryOperator | '=~' | '!~', number>> = Object.freeze({
  or: 1,
  and: 2,
  '||': 4,
  '&&': 5,
  '==': 6,
  '!=': 6,
  eq: 6,
  ne: 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  lt: 7,
  gt: 7,
  le: 7,
  ge: 7,
  '=~': 8,
  '!~': 8,
});

/** Precedence of `not`: between `and` and `||`. */
export const NOT_PRECEDENCE = 3;

/** Precedence of `!` and unary minus: above every binary operator. */
export const PREFIX_PRECEDENCE = 9;

/** Comparison levels do not associate: `a < b < c` is a syntax error, as in Perl before 5.32. */
export const NON_ASSOCIATIVE_PRECEDENCES: ReadonlySet<number> = new Set([6, 7]);

/**
 * Builds the error thrown for a malformed threshold expression.
 *
 * @param position - 1-based character position in the expression text.
 * @param detail - what was expected and what was found, e.g. `expected an operand, found '&&'`.
 */
export function createSyntaxError(position: number, detail: string): M365Error {
  return new M365Error('EXPRESSION_SYNTAX', `syntax error at position ${position}: ${detail}`);
}
