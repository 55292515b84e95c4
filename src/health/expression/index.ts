/**
 * Centreon-compatible threshold expressions (`--critical-status`, `--warning-status`, `--unknown-status`): a
 * parser and evaluator for the Perl subset Centreon users write, never `eval`.
 *
 * Regexes are translated from Perl's syntax to RE2's and run by RE2JS, whose matching time is linear in the subject's
 * length for every pattern: `(a|aa)+$` cannot backtrack. The Perl constructs that need backtracking
 * (backreferences, lookarounds, atomic groups, possessive quantifiers, `\G`…) are syntax errors.
 */
export { compileExpression, parseExpression, type CompiledExpression, type ExpressionVariables } from './compile.ts';
export type { Expression } from './ast.ts';
export { printExpression } from './print.ts';
export { compilePerlRegex } from './regex-compile.ts';
