/**
 * Centreon-compatible threshold expressions (`--critical-status`, `--warning-status`, `--unknown-status`): a
 * parser and evaluator for the Perl subset Centreon users write, never `eval`. Regexes are translated to
 * JavaScript and checked at compile time for catastrophic backtracking; subjects are truncated to
 * {@link MAX_SUBJECT_LENGTH} code units before matching.
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
export { MAX_SUBJECT_LENGTH, REDUCED_SUBJECT_LENGTH, type CompiledRegex } from './regex-compile.ts';
export { MAX_NESTING } from './parse.ts';
