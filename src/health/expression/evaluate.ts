import type { BinaryOperator, Expression } from './ast.ts';
import {
  compareStrings,
  isPerlTrue,
  negatePerlValue,
  toPerlBoolean,
  toPerlNumber,
  toPerlString,
  type PerlValue,
} from './perl-value.ts';
import { testRegex } from './regex-compile.ts';

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
      return toPerlBoolean(testRegex(node.regex.compiled, subject) !== node.negated);
    }
    case 'binary':
      return evaluateBinary(node.operator, node.left, node.right, lookup);
  }
}

function evaluateBinary(
  operator: BinaryOperator,
  leftNode: Expression,
  rightNode: Expression,
  lookup: VariableLookup,
): PerlValue {
  const left = evaluateExpression(leftNode, lookup);
  if (operator === '&&' || operator === 'and') return isPerlTrue(left) ? evaluateExpression(rightNode, lookup) : left;
  if (operator === '||' || operator === 'or') return isPerlTrue(left) ? left : evaluateExpression(rightNode, lookup);
  return toPerlBoolean(compare(operator, left, evaluateExpression(rightNode, lookup)));
}

function compare(
  operator: Exclude<BinaryOperator, '&&' | '||' | 'and' | 'or'>,
  left: PerlValue,
  right: PerlValue,
): boolean {
  switch (operator) {
    case 'eq':
      return toPerlString(left) === toPerlString(right);
    case 'ne':
      return toPerlString(left) !== toPerlString(right);
    case 'lt':
      return compareStrings(toPerlString(left), toPerlString(right)) < 0;
    case 'gt':
      return compareStrings(toPerlString(left), toPerlString(right)) > 0;
    case 'le':
      return compareStrings(toPerlString(left), toPerlString(right)) <= 0;
    case 'ge':
      return compareStrings(toPerlString(left), toPerlString(right)) >= 0;
    default:
      return compareNumbers(operator, toPerlNumber(left), toPerlNumber(right));
  }
}

function compareNumbers(operator: '==' | '!=' | '<' | '>' | '<=' | '>=', left: number, right: number): boolean {
  switch (operator) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '>=':
      return left >= right;
  }
}
