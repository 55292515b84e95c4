import type { Expression } from '../../../src/health/expression/ast.ts';
import { compileExpression } from '../../../src/health/expression/compile.ts';

/** Shows a tree as a fully parenthesized prefix form, e.g. `(and (eq %{a} 'x') (! %{b}))`, to assert on structure. */
export function showTree(node: Expression | undefined): string {
  if (node === undefined) return '<empty>';
  switch (node.kind) {
    case 'variable':
      return `%{${node.name}}`;
    case 'string':
      return JSON.stringify(node.parts);
    case 'number':
      return String(node.value);
    case 'unary':
      return `(${node.operator} ${showTree(node.operand)})`;
    case 'match':
      return `(${node.negated ? '!~' : '=~'} ${showTree(node.subject)} /${node.regex.pattern}/${node.regex.flags})`;
    case 'binary':
      return `(${node.operator} ${showTree(node.left)} ${showTree(node.right)})`;
  }
}

/** Compiles a text and shows its tree. */
export function showParsed(text: string): string {
  return showTree(compileExpression(text).tree);
}
