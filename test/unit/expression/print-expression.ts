import {
  BINARY_PRECEDENCE,
  NON_ASSOCIATIVE_PRECEDENCES,
  NOT_PRECEDENCE,
  PREFIX_PRECEDENCE,
  type Expression,
  type StringPart,
} from '../../../src/health/expression/ast.ts';

const ATOM_PRECEDENCE = 10;
const MATCH_PRECEDENCE = BINARY_PRECEDENCE['=~'];

/**
 * Prints a tree back as expression text with as few parentheses as the precedence rules allow; parsing the
 * result gives the same tree. `undefined` (the empty expression) prints as `''`.
 */
export function printExpression(node: Expression | undefined): string {
  return node === undefined ? '' : print(node);
}

function precedenceOf(node: Expression): number {
  switch (node.kind) {
    case 'unary':
      return node.operator === 'not' ? NOT_PRECEDENCE : PREFIX_PRECEDENCE;
    case 'match':
      return MATCH_PRECEDENCE;
    case 'binary':
      return BINARY_PRECEDENCE[node.operator];
    default:
      return ATOM_PRECEDENCE;
  }
}

function printOperand(node: Expression, minPrecedence: number): string {
  const text = print(node);
  return precedenceOf(node) < minPrecedence ? `(${text})` : text;
}

function print(node: Expression): string {
  switch (node.kind) {
    case 'variable':
      return `%{${node.name}}`;
    case 'string':
      return printString(node.parts);
    case 'number':
      return Number.isFinite(node.value) ? String(node.value) : `'${String(node.value).replace('Infinity', 'Inf')}'`;
    case 'unary':
      return printUnary(node.operator, node.operand);
    case 'match':
      return `${printOperand(node.subject, MATCH_PRECEDENCE)} ${node.negated ? '!~' : '=~'} /${node.regex.pattern}/${node.regex.flags}`;
    case 'binary': {
      const precedence = BINARY_PRECEDENCE[node.operator];
      const leftMin = NON_ASSOCIATIVE_PRECEDENCES.has(precedence) ? precedence + 1 : precedence;
      return `${printOperand(node.left, leftMin)} ${node.operator} ${printOperand(node.right, precedence + 1)}`;
    }
  }
}

function printUnary(operator: '!' | '-' | 'not', operand: Expression): string {
  if (operator === 'not') {
    const text = print(operand);
    return precedenceOf(operand) < NOT_PRECEDENCE || text.startsWith('(') ? `not (${text})` : `not ${text}`;
  }
  const text = printOperand(operand, PREFIX_PRECEDENCE);
  return operator === '-' && text.startsWith('-') ? `- ${text}` : `${operator}${text}`;
}

function printString(parts: readonly StringPart[]): string {
  if (parts.every((part) => typeof part === 'string')) return `'${parts.join('').replace(/[\\']/g, '\\$&')}'`;
  const body = mergeLiterals(parts).map((part) =>
    typeof part === 'string' ? part.replace(/[\\"$@]/g, '\\$&').replace(/%\{/g, '%\\{') : `%{${part.variable}}`,
  );
  return `"${body.join('')}"`;
}

function mergeLiterals(parts: readonly StringPart[]): StringPart[] {
  const merged: StringPart[] = [];
  for (const part of parts) {
    const last = merged.at(-1);
    if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
    else merged.push(part);
  }
  return merged;
}
