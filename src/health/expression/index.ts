/**
 * Centreon-compatible threshold expressions (`--critical-status`, `--warning-status`, `--unknown-status`): a
 * parser and evaluator for the Perl subset Centreon users write, never `eval`.
 *
 * Regexes are translated to JavaScript and checked when compiled: nested unbounded quantifiers (`(a+)+`), repeated
 * alternatives or parts that can match the same text (`(a|aa)+`, `(a?a)+`) and backreferences are syntax errors.
 * When matching, the subject is truncated to {@link MAX_SUBJECT_LENGTH} (10,000) UTF-16 code units, or to a lower
 * per-pattern bound for patterns whose backtracking can grow polynomially (see `CompiledRegex.maxSubjectLength`),
 * which keeps any accepted match to a few hundredths of a second.
 */
export {
  compileExpression,
  parseExpression,
  type CompiledExpression,
  type ExpressionVariables,
  type ParseExpressionResult,
} from './compile.ts';
export type { Expression, RegexLiteral, StringPart, UnaryOperator, BinaryOperator } from './ast.ts';
export { printExpression } from './print.ts';
export { MAX_SUBJECT_LENGTH, type CompiledRegex } from './regex-compile.ts';
export { MAX_NESTING } from './parse.ts';
