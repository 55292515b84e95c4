import type { BinaryOperator, ComparisonOperator, Expression } from './ast.ts';
import {
  compareStrings,
  isPerlTrue,
  negatePerlValue,
  toPerlBoolean,
  toPerlNumber,
  toPerlString,
  type PerlValue,
} from './perl-value.ts';

/** Reads a variable's value; unknown names read as the empty string. */
export type VariableLookup = (name: string) => PerlValue;

/**
 * Evaluates a tree to a Perl scalar. `&&`, `||`, `and` and `or` short-circuit and return the operand that decided,
 * as in Perl; comparisons, matches and negations return Perl's true (`1`) or false (`''`). Never throws.
 */
export function evaluateExpression(node: Expression, lookup: VariableLookup): PerlValue {
  switch (node.kind) {
    case 'variable':
      return lookup(node.name);
    case 'string':
      return node.parts.map((part) => (typeof part === 'string' ? part : toPerlString(lookup(part.variable)))).join('');
    case 'number':
      return node.value;
    case 'unary': {
      const operand = evaluateExpression(node.operand, lookup);
      return node.operator === '-' ? negatePerlValue(operand) : toPerlBoolean(!isPerlTrue(operand));
    }
    case 'match': {
      const subject = toPerlString(evaluateExpression(node.subject, lookup));
      return toPerlBoolean(node.regex.compiled.test(subject) !== node.negated);
    }
    case 'binary':
      return evaluateBinary(node.operator, node.left, node.right, lookup);
  }
}

/** Numeric operators read both sides as numbers, the word forms as strings (`lt` compares code points). */
const COMPARISONS: Readonly<Record<ComparisonOperator, (left: PerlValue, right: PerlValue) => boolean>> = {
  '==': (left, right) => toPerlNumber(left) === toPerlNumber(right),
  '!=': (left, right) => toPerlNumber(left) !== toPerlNumber(right),
  '<': (left, right) => toPerlNumber(left) < toPerlNumber(right),
  '>': (left, right) => toPerlNumber(left) > toPerlNumber(right),
  '<=': (left, right) => toPerlNumber(left) <= toPerlNumber(right),
  '>=': (left, right) => toPerlNumber(left) >= toPerlNumber(right),
  eq: (left, right) => toPerlString(left) === toPerlString(right),
  ne: (left, right) => toPerlString(left) !== toPerlString(right),
  lt: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) < 0,
  gt: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) > 0,
  le: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) <= 0,
  ge: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) >= 0,
};

function evaluateBinary(
  operator: BinaryOperator,
  leftNode: Expression,
  rightNode: Expression,
  lookup: VariableLookup,
): PerlValue {
  const left = evaluateExpression(leftNode, lookup);
  if (operator === '&&' || operator === 'and') return isPerlTrue(left) ? evaluateExpression(rightNode, lookup) : left;
  if (operator === '||' || operator === 'or') return isPerlTrue(left) ? left : evaluateExpression(rightNode, lookup);
  return toPerlBoolean(COMPARISONS[operator](left, evaluateExpression(rightNode, lookup)));
}
