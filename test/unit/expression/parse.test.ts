import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileExpression } from '../../../src/health/expression/compile.ts';
import { printExpression } from './print-expression.ts';
import { showParsed } from './show-tree.ts';

describe('operands', () => {
  test('variables allow letters, digits, underscores and dots', () => {
    assert.equal(showParsed('%{issue_id}'), '%{issue_id}');
    assert.equal(showParsed('%{x.y2}'), '%{x.y2}');
  });

  test("single-quoted strings only unescape \\\\ and \\'", () => {
    assert.equal(
      showParsed(String.raw`'it\'s a \\ back\slash\n'`),
      JSON.stringify([String.raw`it's a \ back\slash\n`]),
    );
  });

  test('double-quoted strings unescape \\" \\\\ \\n \\t and interpolate %{name}', () => {
    assert.equal(
      showParsed(String.raw`"say \"hi\"\t\\ %{status}!"`),
      JSON.stringify(['say "hi"\t\\ ', { variable: 'status' }, '!']),
    );
    assert.equal(showParsed('"100%{"'), JSON.stringify(['100%{']));
    assert.equal(showParsed("''"), JSON.stringify(['']));
  });

  test('numbers are integers or floats, negative through unary minus', () => {
    assert.equal(showParsed('42'), '42');
    assert.equal(showParsed('3.25'), '3.25');
    assert.equal(showParsed('.5'), '0.5');
    assert.equal(showParsed('1e3'), '1000');
    assert.equal(showParsed('-7'), '(- 7)');
  });

  test('an empty or blank text has no tree', () => {
    assert.equal(showParsed(''), '<empty>');
    assert.equal(showParsed(' \t\n'), '<empty>');
  });
});

describe("Perl's precedence", () => {
  const cases: [string, string][] = [
    ['%{a} || %{b} && %{c}', '(|| %{a} (&& %{b} %{c}))'],
    ['%{a} or %{b} and %{c}', '(or %{a} (and %{b} %{c}))'],
    ['%{a} and %{b} || %{c}', '(and %{a} (|| %{b} %{c}))'],
    ['not %{a} || %{b}', '(not (|| %{a} %{b}))'],
    ['not %{a} and %{b}', '(and (not %{a}) %{b})'],
    ['not not %{a} or %{b}', '(or (not (not %{a})) %{b})'],
    ['!%{a} || %{b}', '(|| (! %{a}) %{b})'],
    ['!%{a} =~ /x/', '(=~ (! %{a}) /x/)'],
    ['-%{a} eq %{b}', '(eq (- %{a}) %{b})'],
    ['%{a} == 1 && %{b} eq "x"', '(&& (== %{a} 1) (eq %{b} ["x"]))'],
    ['%{a} < 1 == %{b} gt "x"', '(== (< %{a} 1) (gt %{b} ["x"]))'],
    ['%{a} lt "x" ne %{b} ge "y"', '(ne (lt %{a} ["x"]) (ge %{b} ["y"]))'],
    ['%{a} =~ /x/ eq %{b} !~ /y/', '(eq (=~ %{a} /x/) (!~ %{b} /y/))'],
    ['%{a} =~ /x/ =~ /1/', '(=~ (=~ %{a} /x/) /1/)'],
    ['(%{a} || %{b}) && %{c}', '(&& (|| %{a} %{b}) %{c})'],
    ['%{a} && %{b} && %{c}', '(&& (&& %{a} %{b}) %{c})'],
    ['%{a} or %{b} or %{c}', '(or (or %{a} %{b}) %{c})'],
    ['%{a} || not %{b} && %{c}', '(|| %{a} (not (&& %{b} %{c})))'],
    ["not (%{a}) eq ''", '(eq (not %{a}) [""])'],
    ['not (%{a}) || %{b}', '(|| (not %{a}) %{b})'],
    ['! ! %{a}', '(! (! %{a}))'],
    ['- -5', '(- (- 5))'],
  ];
  for (const [text, tree] of cases) {
    test(text, () => assert.equal(showParsed(text), tree));
  }
});

describe('variables', () => {
  test('lists referenced names once, in order of appearance, including interpolations', () => {
    const expression = compileExpression(
      '%{status} =~ /x/ and "%{service_name}-%{status}" ne %{issue_id} or %{status}',
    );
    assert.deepEqual(expression.variables, ['status', 'service_name', 'issue_id']);
    assert.deepEqual(compileExpression('').variables, []);
    assert.ok(Object.isFrozen(expression.variables));
  });
});

describe('printExpression', () => {
  const texts = [
    '%{status} !~ /serviceOperational|serviceRestored/i',
    "%{a} eq 'x' and (%{b} || %{c}) or not %{d}",
    '(%{a} < 1) == (%{b} > 2)',
    "not (not %{a}) ge 'x'",
    '%{a} || (not %{b}) || %{c}',
    '- -%{a}',
    '"x%{a}\\"%\\{b}" eq \'it\\\'s\'',
    '%{a} =~ / a \\/ b # c\n/x',
  ];
  for (const text of texts) {
    test(`reparses ${JSON.stringify(text)} to the same tree`, () => {
      const tree = compileExpression(text).tree;
      const printed = printExpression(tree);
      assert.deepEqual(compileExpression(printed).tree, tree);
      assert.equal(printExpression(compileExpression(printed).tree), printed);
    });
  }

  test('uses as few parentheses as precedence allows', () => {
    assert.equal(printExpression(compileExpression('((%{a} eq "x") and ((%{b})))').tree), "%{a} eq 'x' and %{b}");
    assert.equal(printExpression(compileExpression('(%{a} or %{b}) and %{c}').tree), '(%{a} or %{b}) and %{c}');
    assert.equal(printExpression(undefined), '');
  });
});
