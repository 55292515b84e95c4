import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { M365Error } from '../../../src/errors.ts';
import { compileExpression, parseExpression } from '../../../src/health/expression/compile.ts';

function syntaxErrorOf(text: string): string {
  try {
    compileExpression(text);
  } catch (error) {
    assert.ok(error instanceof M365Error, 'an M365Error');
    assert.equal(error.code, 'EXPRESSION_SYNTAX');
    return error.message;
  }
  return assert.fail(`${JSON.stringify(text)} compiled`);
}

describe('malformed expressions name the position and what was expected', () => {
  const cases: [string, string][] = [
    ['%{status} eq && 1', "syntax error at position 14: expected an operand, found '&&'"],
    ['%{status} eq', 'syntax error at position 13: expected an operand, found the end of the expression'],
    [
      '(%{a} eq 1',
      "syntax error at position 11: expected ')' to close the '(' at position 1, found the end of the expression",
    ],
    ['%{a} eq 1)', "syntax error at position 10: expected an operator or the end of the expression, found ')'"],
    ['%{a} %{b}', "syntax error at position 6: expected an operator or the end of the expression, found '%{b}'"],
    [
      '%{status} eq serviceOperational',
      "syntax error at position 14: expected an operand, found bare word 'serviceOperational' (quote text: 'serviceOperational'; write variables as %{serviceOperational})",
    ],
    ['%{a} =~ "x"', `syntax error at position 9: expected a regex after '=~', found string "x"`],
    [
      '/x/ and 1',
      'syntax error at position 1: expected an operand, found regex /x/ (a regex is only allowed after =~ or !~)',
    ],
    ['%{a} = 1', "syntax error at position 6: unexpected character '=' (compare with == or eq)"],
    ['%{a} & 1', "syntax error at position 6: unexpected character '&' (use && or and)"],
    ['$status eq 1', "syntax error at position 1: unexpected character '$' (write variables as %{name})"],
    [
      "%{a} eq 'abc",
      "syntax error at position 9: unterminated string: expected a closing ' before the end of the expression",
    ],
    [
      '%{a} =~ /abc',
      'syntax error at position 9: unterminated regex: expected a closing / before the end of the expression',
    ],
    ['%{a b}', "syntax error at position 4: expected '}' to end the variable name, found ' '"],
    ['%{} eq 1', "syntax error at position 3: expected a variable name after '%{', found '}'"],
    [
      '%{a} < 1 < 2',
      "syntax error at position 10: comparisons do not chain: found '<' after '<'; combine them with 'and'",
    ],
    ['%{a} =~ /x/g', "syntax error at position 12: unsupported regex flag 'g' (supported: i, m, s, x)"],
    ['%{a} =~ /x/ii', "syntax error at position 13: regex flag 'i' is repeated"],
    ['017 == 15', 'syntax error at position 1: number 017 has a leading zero (Perl would read it as octal)'],
    ['1abc', "syntax error at position 2: expected an operator after number 1, found 'a'"],
    ['%{a} eq 1 and', 'syntax error at position 14: expected an operand, found the end of the expression'],
    ['not', 'syntax error at position 4: expected an operand, found the end of the expression'],
    ['()', "syntax error at position 2: expected an operand, found ')'"],
  ];
  for (const [text, message] of cases) {
    test(JSON.stringify(text), () => assert.equal(syntaxErrorOf(text), message));
  }
});

describe('regex errors point into the pattern', () => {
  const cases: [string, string][] = [
    ['%{a} =~ /(a)\\1/', 'syntax error at position 13: backreference \\1 is not supported (linear-time matching)'],
    ['%{a} =~ /(?>a)/', 'syntax error at position 10: atomic group (?>…) is not supported (linear-time matching)'],
    ['%{a} =~ /a++/', 'syntax error at position 11: possessive quantifier ++ is not supported (linear-time matching)'],
    ['%{a} =~ /ab(?=c)/', 'syntax error at position 12: lookahead (?=…) is not supported (linear-time matching)'],
    ['%{a} =~ /(a/', "syntax error at position 10: unclosed group: expected ')'"],
    ['%{a} =~ /a)/', "syntax error at position 11: unmatched ')' in regex"],
    ['%{a} =~ /[a/', "syntax error at position 10: unterminated character class: expected ']'"],
    ['%{a} =~ /*a/', "syntax error at position 10: quantifier '*' follows nothing"],
    ['%{a} =~ /a**/', "syntax error at position 12: nested quantifiers: 'a*' cannot be quantified again"],
    ['%{a} =~ /a{3,1}/', 'syntax error at position 11: quantifier {n,m} has n greater than m'],
    ['%{a} =~ /[z-a]/', 'syntax error at position 11: invalid range in character class: the end is before the start'],
    [
      '%{a} =~ /a$b/',
      "syntax error at position 11: '$b' would interpolate a Perl variable: write '\\$' for a dollar sign, '\\z' or '\\Z' for the end",
    ],
    [
      '%{a} =~ /user@example/',
      "syntax error at position 14: '@e' would interpolate a Perl array: write '\\@' for an at sign",
    ],
    ['%{a} =~ /%{b}/', 'syntax error at position 10: variables cannot be used inside a regex'],
    ['%{a} =~ /\\q/', "syntax error at position 10: unrecognized escape '\\q' in regex"],
    ['%{a} =~ /\\Ua/', "syntax error at position 10: case-changing escape '\\U' is not supported"],
    [
      '%{a} =~ /a(?P=x)/',
      'syntax error at position 11: named backreference (?P=…) is not supported (linear-time matching)',
    ],
    ['%{a} =~ //', 'syntax error at position 9: empty regex: Perl would reuse the last matched pattern'],
    ['%{a} =~ /\\p{NoSuchProperty}/', "syntax error at position 10: unsupported Unicode property 'NoSuchProperty'"],
    ['%{a} =~ /(?a:x)/', "syntax error at position 10: unsupported inline flag 'a' (supported: i, m, s, x, n)"],
  ];
  for (const [text, message] of cases) {
    test(JSON.stringify(text), () => assert.equal(syntaxErrorOf(text), message));
  }
});

describe('nesting limits', () => {
  test('deep parentheses, prefix chains and operator chains are refused, not a stack overflow', () => {
    assert.equal(
      syntaxErrorOf('('.repeat(10_000)),
      'syntax error at position 257: expression nested more than 256 levels deep',
    );
    assert.equal(
      syntaxErrorOf(`${'!'.repeat(10_000)}1`),
      'syntax error at position 257: expression nested more than 256 levels deep',
    );
    assert.match(
      syntaxErrorOf(`1${' || 1'.repeat(10_000)}`),
      /^syntax error at position \d+: expression nested more than 256 levels deep$/,
    );
    assert.equal(
      syntaxErrorOf(`%{a} =~ /${'('.repeat(100)}/`),
      'syntax error at position 60: groups nested more than 50 deep',
    );
  });
});

describe('parseExpression', () => {
  test('returns the compiled expression or the error as a value', () => {
    const good = parseExpression('%{a} eq 1');
    assert.equal(good.ok, true);
    assert.equal(good.ok && good.expression.evaluate({ a: '1' }), true);
    const bad = parseExpression('%{a} eq && 1');
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error.code, 'EXPRESSION_SYNTAX');
    assert.equal(!bad.ok && bad.error.message, "syntax error at position 9: expected an operand, found '&&'");
  });
});
