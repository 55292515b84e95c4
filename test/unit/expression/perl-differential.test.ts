import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Expression } from '../../../src/health/expression/ast.ts';
import { compileExpression, type ExpressionVariables } from '../../../src/health/expression/compile.ts';
import { printExpression } from './print-expression.ts';
import { expressionTree, perlFlags, perlPattern, regexSubject, variableValues } from './arbitraries.ts';

/**
 * Differential tests against Perl itself, evaluating the same texts the way Centreon does (see centreon-eval.pl).
 * Skipped where perl is not installed.
 */
const EVALUATOR = fileURLToPath(new URL('./centreon-eval.pl', import.meta.url));
const perlAvailable = spawnSync('perl', ['-MJSON::PP', '-e', '1']).status === 0;

interface PerlCase {
  readonly expr: string;
  readonly vars: Readonly<Record<string, string | number>>;
}

function evaluateWithPerl(cases: readonly PerlCase[]): string[] {
  const input = cases.map((entry) => JSON.stringify(entry)).join('\n');
  const run = spawnSync('perl', [EVALUATOR], { input: `${input}\n`, encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n');
}

/** Perl values: booleans as Perl's 1 and '', no undefined; names without dots, which Perl would read as concatenation. */
function toPerlVariables(values: ExpressionVariables): Record<string, string | number> {
  const entries = Object.entries(values).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  return Object.fromEntries(
    entries.map(([name, value]) => [name.replace('.', '_'), typeof value === 'boolean' ? (value ? 1 : '') : value]),
  );
}

/**
 * Centreon substitutes %{name} everywhere, so Perl sees `$values->{name}` even inside single quotes, and a literal
 * starting with `[`, `{` or `->` right after an interpolated variable becomes a subscript: those texts differ by design.
 */
function isComparable(node: Expression): boolean {
  switch (node.kind) {
    case 'string':
      return node.parts.every(
        (part, index) =>
          typeof part !== 'string' || (!part.includes('%{') && !(index > 0 && /^(?:\[|\{|->)/.test(part))),
      );
    case 'unary':
      return isComparable(node.operand);
    case 'match':
      return isComparable(node.subject);
    case 'binary':
      return isComparable(node.left) && isComparable(node.right);
    default:
      return true;
  }
}

function assertSameAsPerl(cases: readonly { text: string; values: ExpressionVariables }[]): void {
  const perlCases = cases.map(({ text, values }) => ({
    expr: text.replaceAll('%{x.y}', '%{x_y}'),
    vars: toPerlVariables(values),
  }));
  const perlResults = evaluateWithPerl(perlCases);
  const mismatches = cases.flatMap(({ text, values }, index) => {
    const ours = compileExpression(text).evaluate(values) ? '1' : '0';
    return ours === perlResults[index]
      ? []
      : [`${JSON.stringify(perlCases[index])}: perl ${perlResults[index]}, ours ${ours}`];
  });
  assert.deepEqual(mismatches, []);
}

describe('agreement with Perl', { skip: perlAvailable ? false : 'perl is not installed' }, () => {
  test('random expressions over random values', () => {
    const samples = fc.sample(fc.tuple(expressionTree.filter(isComparable), variableValues), {
      numRuns: 1000,
      seed: 20260601,
    });
    assertSameAsPerl(samples.map(([tree, values]) => ({ text: printExpression(tree), values })));
  });

  test('random regexes over random subjects', () => {
    const samples = fc.sample(fc.tuple(perlPattern, perlFlags, regexSubject), { numRuns: 1500, seed: 20260601 });
    const compiled = samples
      .map(([pattern, flags, s]) => ({ text: `%{s} =~ /${pattern}/${flags}`, values: { s } }))
      .filter(({ text }) => {
        try {
          compileExpression(text);
          return true;
        } catch {
          return false;
        }
      });
    assert.ok(compiled.length > 750, `only ${compiled.length} patterns compiled`);
    assertSameAsPerl(compiled);
  });

  test('the hand-written tables of the other tests', () => {
    const texts = [
      "'10abc' == 10",
      "' 42' == 42",
      "'3.5e2x' == 350",
      "'.5' == 0.5",
      "'0x1A' == 0",
      "'inf' > 1e308",
      "'nan' != 'nan'",
      "-'foo' eq '-foo'",
      "-'-foo' eq '+foo'",
      "-'-5abc' eq '+5abc'",
      "1e21 eq '1e+21'",
      "1e-5 eq '1e-05'",
      "0.1 eq '0.1'",
      "not (0) eq ''",
      'not 0 || 0',
      "('' || 'fallback') eq 'fallback'",
      "(0 && 'y') eq '0'",
      "!1 eq ''",
      "'B' lt 'a'",
      "'été' =~ /^\\w+$/",
      "'٣' =~ /^\\d$/",
      "'a\\nb' =~ /b$/",
      '"\\x41\\x{263A}" eq "A\\N{U+263A}"',
      '"b\\n" =~ /b$/',
      '"b\\n" =~ /b\\z/',
      '"a\\nb" =~ /^b/m',
      '"a\\n" =~ /\\n^/m',
      '"a\\rb" =~ /a.b/',
      "'é' =~ /[a\\W]/",
      "'b' =~ /[^a\\W]/",
    ];
    assertSameAsPerl(texts.map((text) => ({ text, values: {} })));
  });
});
