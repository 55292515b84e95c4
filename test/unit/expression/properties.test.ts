import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { M365Error } from '../../../src/errors.ts';
import { compileExpression } from '../../../src/health/expression/compile.ts';
import { printExpression } from './print-expression.ts';
import { evaluateExpression, fromVariable, isPerlTrue } from '../../../src/health/expression/evaluate.ts';
import { expressionTree, perlFlags, perlPattern, variableValues } from './arbitraries.ts';

const FRAGMENTS = [
  '%{a}',
  '%{status}',
  '%{',
  '}',
  '(',
  ')',
  '=~',
  '!~',
  '/a+/i',
  '/(a',
  '/[a/',
  '/\\',
  '"x',
  "'y'",
  '"%{a}"',
  'and',
  'or',
  'not',
  '!',
  '-',
  '1.5',
  '0x1',
  '017',
  '1e',
  '&&',
  '||',
  '==',
  '<',
  'eq',
  'lt',
  ' ',
  '\\',
  '$',
  '@',
  '(?',
  '*',
  '+',
  '{2,1}',
  'foo',
  '/',
  '/x',
  '\n',
  '#',
  '(?<',
  '\\1',
  '(a+)+',
];

function compileOutcome(text: string): void {
  try {
    compileExpression(text);
  } catch (error) {
    assert.ok(error instanceof M365Error, `${JSON.stringify(text)} threw ${String(error)}`);
    assert.equal(error.code, 'EXPRESSION_SYNTAX');
    assert.match(error.message, /^syntax error at position \d+: /);
  }
}

describe('properties', () => {
  test('any text either compiles or fails with EXPRESSION_SYNTAX, never anything else', () => {
    const tokenSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join(''));
    const regexLiteral = fc
      .tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.stringMatching(/^[a-z]{0,3}$/))
      .map(([body, flags]) => `%{a} =~ /${body}/${flags}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), tokenSoup, regexLiteral), compileOutcome),
      { numRuns: 1500 },
    );
  });

  test('printed trees compile and evaluate to a boolean for any values, without throwing', () => {
    fc.assert(
      fc.property(expressionTree, variableValues, (tree, values) => {
        const result = compileExpression(printExpression(tree)).evaluate(values);
        assert.equal(typeof result, 'boolean');
      }),
      { numRuns: 500 },
    );
  });

  test('printing then parsing gives back the same tree and the same results', () => {
    fc.assert(
      fc.property(expressionTree, variableValues, (tree, values) => {
        const printed = printExpression(tree);
        const reparsed = compileExpression(printed);
        assert.deepEqual(reparsed.tree, tree);
        assert.equal(printExpression(reparsed.tree), printed);
        const lookup = (name: string) => fromVariable(Object.hasOwn(values, name) ? values[name] : undefined);
        assert.equal(reparsed.evaluate(values), isPerlTrue(evaluateExpression(tree, lookup)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('pathological regexes', () => {
  const atom = fc.constantFrom('a', '\\w', '.', '[ab]', '\\d', '\\s', 'ab?', 'a|b', 'a|aa', '\\w|\\d');
  const unbounded = fc.constantFrom('+', '*', '{1,}', '{2,}', '+?', '*?');
  const suffix = fc.constantFrom('', '$', '!', 'x$', '\\z');
  const subjects = [
    `${'a'.repeat(10_000)}!`,
    `${'ab'.repeat(5_000)}\n!`,
    `${'a '.repeat(5_000)}!`,
    `${'1'.repeat(10_000)}x`,
    `${' '.repeat(10_000)}!`,
    `${'a\n'.repeat(5_000)}!`,
  ];

  function assertFastOrRejected(pattern: string, flags: string): void {
    let expression;
    try {
      expression = compileExpression(`%{s} =~ /${pattern}/${flags}`);
    } catch (error) {
      assert.ok(error instanceof M365Error && error.code === 'EXPRESSION_SYNTAX', String(error));
      return;
    }
    for (const s of subjects) {
      const started = performance.now();
      expression.evaluate({ s });
      const elapsed = performance.now() - started;
      assert.ok(
        elapsed < 1000,
        `/${pattern}/${flags} took ${elapsed.toFixed(0)} ms on ${JSON.stringify(s.slice(0, 8))}…`,
      );
    }
  }

  test('nested unbounded quantifiers like (a+)+$ compile and stay fast on adversarial subjects', () => {
    fc.assert(
      fc.property(atom, unbounded, unbounded, suffix, (body, inner, outer, end) => {
        const pattern = `(?:(?:${body})${inner})${outer}${end}`;
        assert.doesNotThrow(() => compileExpression(`%{s} =~ /${pattern}/`), pattern);
        assertFastOrRejected(pattern, '');
      }),
      { numRuns: 50 },
    );
  });

  test('quantified groups of random shape are rejected or stay fast on adversarial subjects', () => {
    fc.assert(
      fc.property(
        atom,
        atom,
        fc.constantFrom('', '+', '*', '?', '{1,3}', '{2}'),
        unbounded,
        suffix,
        (first, second, inner, outer, end) => {
          assertFastOrRejected(`(${first}${inner}${second})${outer}${end}`, '');
          assertFastOrRejected(`(?:${first}|${second})${outer}${end}`, 'i');
        },
      ),
      { numRuns: 100 },
    );
  });

  test('random patterns are rejected or stay fast on adversarial subjects', () => {
    fc.assert(fc.property(perlPattern, perlFlags, assertFastOrRejected), { numRuns: 200 });
  });
});
