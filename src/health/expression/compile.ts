/**
 * Centreon-compatible threshold expressions (`--critical-status`, `--warning-status`, `--unknown-status`): a
 * parser and evaluator for the Perl subset Centreon users write, never `eval`.
 *
 * Regexes are translated from Perl's syntax to RE2's and run by RE2JS, whose matching time is linear in the subject's
 * length for every pattern: `(a|aa)+$` cannot backtrack. The Perl constructs that need backtracking
 * (backreferences, lookarounds, atomic groups, possessive quantifiers, `\G`…) are syntax errors.
 */

import { toM365Error, type M365Error } from '../../errors.ts';
import type { Expression } from './ast.ts';
import { evaluateExpression, fromVariable, isPerlTrue } from './evaluate.ts';
import { parseExpressionTree } from './parse.ts';

/** Values an expression can read: strings as Graph gives them, numbers, booleans (Perl's 1 and ''), or missing. */
export type ExpressionVariables = Readonly<Record<string, string | number | boolean | undefined>>;

/** A threshold expression parsed once, to be evaluated against many entries. */
export interface CompiledExpression {
  /** The text it was compiled from. */
  readonly text: string;
  /** The parsed tree; `undefined` for the empty expression. */
  readonly tree: Expression | undefined;
  /** The variable names it reads (`%{status}` gives `status`), in order of first appearance, without repeats. */
  readonly variables: readonly string[];
  /**
   * Whether the expression holds for these values, with Perl's truthiness. Unknown variables read as `''`; the
   * empty expression is always false. Never throws; regex matching takes time linear in the subject's length.
   */
  evaluate(variables: ExpressionVariables): boolean;
}

/** The outcome of {@link parseExpression}. */
export type ParseExpressionResult =
  { readonly ok: true; readonly expression: CompiledExpression } | { readonly ok: false; readonly error: M365Error };

/**
 * Compiles a Centreon threshold expression such as `%{status} !~ /serviceOperational|serviceRestored/i` without
 * any `eval`: a Perl-compatible parser and evaluator for `%{name}` variables, strings, numbers, `/regex/imsx`,
 * `=~ !~ eq ne lt gt le ge == != < > <= >= ! not && and || or` and parentheses, with Perl's precedence.
 *
 * @throws M365Error `EXPRESSION_SYNTAX` whose message names the 1-based position and what was expected, e.g.
 *   `syntax error at position 12: expected an operand, found '&&'`.
 */
export function compileExpression(text: string): CompiledExpression {
  const tree = parseExpressionTree(text);
  const variables = Object.freeze(tree === undefined ? [] : collectVariables(tree));
  const evaluate = (values: ExpressionVariables): boolean => {
    if (tree === undefined) return false;
    const lookup = (name: string) => fromVariable(Object.hasOwn(values, name) ? values[name] : undefined);
    return isPerlTrue(evaluateExpression(tree, lookup));
  };
  return Object.freeze({ text, tree, variables, evaluate });
}

/** {@link compileExpression} without throwing: syntax errors come back as values. */
export function parseExpression(text: string): ParseExpressionResult {
  try {
    return { ok: true, expression: compileExpression(text) };
  } catch (error) {
    return { ok: false, error: toM365Error(error, 'EXPRESSION_SYNTAX') };
  }
}

function collectVariables(tree: Expression): string[] {
  const names = new Set<string>();
  const visit = (node: Expression): void => {
    if (node.kind === 'variable') names.add(node.name);
    else if (node.kind === 'string') node.parts.forEach((part) => typeof part !== 'string' && names.add(part.variable));
    else if (node.kind === 'unary') visit(node.operand);
    else if (node.kind === 'match') visit(node.subject);
    else if (node.kind === 'binary') [node.left, node.right].forEach(visit);
  };
  visit(tree);
  return [...names];
}
