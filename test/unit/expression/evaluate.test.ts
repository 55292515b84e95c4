import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileExpression, type ExpressionVariables } from '../../../src/health/expression/compile.ts';

function holds(text: string, variables: ExpressionVariables = {}): boolean {
  return compileExpression(text).evaluate(variables);
}

function assertTable(rows: readonly (readonly [string, boolean])[], variables: ExpressionVariables = {}): void {
  for (const [text, expected] of rows) assert.equal(holds(text, variables), expected, text);
}

describe('string comparison', () => {
  test('eq ne lt gt le ge compare strings by code point', () => {
    assertTable([
      ["'abc' eq 'abc'", true],
      ["'abc' eq 'ABC'", false],
      ["'abc' ne 'ABC'", true],
      ["'abc' ne 'abc'", false],
      ["'a' lt 'b'", true],
      ["'b' lt 'a'", false],
      ["'B' lt 'a'", true],
      ["'10' lt '9'", true],
      ["'b' gt 'a'", true],
      ["'a' gt 'a'", false],
      ["'a' le 'a'", true],
      ["'b' le 'a'", false],
      ["'a' ge 'a'", true],
      ["'a' ge 'b'", false],
      ["'' lt 'a'", true],
      ["'ab' gt 'a'", true],
      ["'\u{ffff}' lt '\u{1f600}'", true],
    ]);
  });

  test('numbers compare as Perl prints them', () => {
    assertTable([
      ["1.0 eq '1'", true],
      ["10 eq '10'", true],
      ["0.5 eq '0.5'", true],
      ["1e21 eq '1e+21'", true],
      ["0.1 eq '0.1'", true],
      ["1e-5 eq '1e-05'", true],
      ["-0 eq '0'", true],
    ]);
  });
});

describe('numeric comparison', () => {
  test('== != < > <= >= compare numbers', () => {
    assertTable([
      ['1 == 1', true],
      ['1 == 2', false],
      ['1 != 2', true],
      ['1 != 1', false],
      ['1 < 2', true],
      ['2 < 1', false],
      ['2 > 1', true],
      ['1 > 1', false],
      ['1 <= 1', true],
      ['2 <= 1', false],
      ['1 >= 1', true],
      ['1 >= 2', false],
      ['0.1 < 0.2', true],
      ['-1 < 0', true],
      ['- -1 > 0', true],
    ]);
  });

  test('strings convert like Perl: leading whitespace and the longest numeric prefix, else 0', () => {
    assertTable([
      ["'10abc' == 10", true],
      ["' 42' == 42", true],
      ["'3.5e2x' == 350", true],
      ["'.5' == 0.5", true],
      ["'abc' == 0", true],
      ["'' == 0", true],
      ["'0x1A' == 0", true],
      ["'1_000' == 1", true],
      ["'-3' < 0", true],
      ["'+4' == 4", true],
      ["'1e' == 1", true],
      ["'inf' > 1e308", true],
      ["'nan' == 'nan'", false],
      ["'nan' != 'nan'", true],
      ["'10' == '10.0'", true],
      ["'10' eq '10.0'", false],
    ]);
  });
});

describe('regex match', () => {
  test('=~ and !~ match the stringified subject', () => {
    assertTable([
      ["'serviceDegradation' =~ /degradation/i", true],
      ["'serviceDegradation' =~ /degradation/", false],
      ["'serviceDegradation' !~ /degradation/i", false],
      ["'abc' !~ /x/", true],
      ['12 =~ /^\\d+$/', true],
      ['0.5 =~ /^0\\.5$/', true],
      ["('a' eq 'a') =~ /^1$/", true],
      ["('a' eq 'b') =~ /^$/", true],
    ]);
  });
});

describe('logic', () => {
  test('! and not negate with Perl truthiness', () => {
    assertTable([
      ['!0', true],
      ['!1', false],
      ["!''", true],
      ["!'0'", true],
      ["!'0.0'", false],
      ["!'00'", false],
      ["!' '", false],
      ['not 0', true],
      ["not 'a'", false],
      ['!!7', true],
    ]);
  });

  test('&& and || short-circuit and yield the deciding operand, as Perl does', () => {
    assertTable([
      ['1 && 1', true],
      ['1 && 0', false],
      ['0 && 1', false],
      ['0 || 1', true],
      ['0 || 0', false],
      ['1 || 0', true],
      ["1 and 'x'", true],
      ["'' or '0'", false],
      ["('' || 'fallback') eq 'fallback'", true],
      ["('x' && 'y') eq 'y'", true],
      ["(0 && 'y') eq '0'", true],
      ["('x' || 'y') eq 'x'", true],
    ]);
  });

  test('a false comparison is the empty string, which is 0 as a number', () => {
    assertTable([
      ["(1 == 2) eq ''", true],
      ['(1 == 2) == 0', true],
      ["(1 == 1) eq '1'", true],
      ["!1 eq ''", true],
    ]);
  });

  test('unary minus follows Perl on strings', () => {
    assertTable([
      ["-'foo' eq '-foo'", true],
      ["-'-foo' eq '+foo'", true],
      ["-'+foo' eq '-foo'", true],
      ["-'-5' == 5", true],
      ["-'5abc' == -5", true],
      ["-'-5abc' eq '+5abc'", true],
      ["-'' == 0", true],
    ]);
  });
});

describe('truthiness of the result', () => {
  test("'', '0' and 0 are false; '0.0', '00', ' ' and 'a' are true", () => {
    assertTable([
      ["''", false],
      ["'0'", false],
      ['0', false],
      ['0.0', false],
      ["'0.0'", true],
      ["'00'", true],
      ["' '", true],
      ["'a'", true],
      ['-1', true],
    ]);
  });
});

describe('variables', () => {
  test('unknown variables read as the empty string', () => {
    assertTable([
      ["%{nothing} eq ''", true],
      ['%{nothing} == 0', true],
      ['%{nothing}', false],
      ['!%{nothing}', true],
      ['%{nothing} =~ /^$/', true],
    ]);
  });

  test('properties of Object.prototype are not variables', () => {
    assertTable([
      ["%{constructor} eq ''", true],
      ["%{__proto__} eq ''", true],
      ["%{toString} eq ''", true],
    ]);
  });

  test('numbers, booleans and undefined values convert like Perl scalars', () => {
    const variables = { count: 3, half: 0.5, ratio: 0.1 + 0.2, yes: true, no: false, none: undefined };
    assertTable(
      [
        ["%{count} eq '3'", true],
        ['%{count} == 3', true],
        ["%{half} eq '0.5'", true],
        ["%{ratio} eq '0.3'", true],
        ["%{yes} eq '1'", true],
        ["%{no} eq ''", true],
        ['%{no}', false],
        ["%{none} eq ''", true],
        ['%{yes}', true],
      ],
      variables,
    );
  });

  test('double-quoted strings interpolate variables', () => {
    assertTable(
      [
        ['"%{a}-%{b}" eq "x-7"', true],
        ['"[%{missing}]" eq "[]"', true],
      ],
      { a: 'x', b: 7 },
    );
  });

  test('the same compiled expression evaluates many variable sets', () => {
    const expression = compileExpression("%{classification} eq 'incident' and %{status} =~ /degradation/i");
    assert.equal(expression.evaluate({ classification: 'incident', status: 'serviceDegradation' }), true);
    assert.equal(expression.evaluate({ classification: 'advisory', status: 'serviceDegradation' }), false);
    assert.equal(expression.evaluate({ classification: 'incident', status: 'serviceOperational' }), false);
  });
});

describe('the empty expression', () => {
  test('never matches', () => {
    assert.equal(holds(''), false);
    assert.equal(holds('   '), false);
    assert.equal(compileExpression('').text, '');
  });
});
