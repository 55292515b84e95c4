import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { M365Error } from '../../../src/errors.ts';
import { compileExpression } from '../../../src/health/expression/compile.ts';
import { compileRegex } from '../../../src/health/expression/parse.ts';

function matches(pattern: string, flags: string, subject: string): boolean {
  return compileRegex(pattern, flags, 1).test(subject);
}

function rejection(pattern: string, flags = ''): string {
  try {
    compileRegex(pattern, flags, 1);
  } catch (error) {
    assert.ok(error instanceof M365Error);
    assert.equal(error.code, 'EXPRESSION_SYNTAX');
    return error.message;
  }
  return assert.fail(`/${pattern}/${flags} compiled`);
}

function assertMatches(rows: readonly (readonly [string, string, string, boolean])[]): void {
  for (const [pattern, flags, subject, expected] of rows) {
    assert.equal(matches(pattern, flags, subject), expected, `${JSON.stringify(subject)} =~ /${pattern}/${flags}`);
  }
}

describe('flags', () => {
  test('i ignores case', () => {
    assertMatches([
      ['restored', 'i', 'Service Restored', true],
      ['restored', '', 'Service Restored', false],
      ['[a-c]', 'i', 'B', true],
    ]);
  });

  test("without m, ^ and $ are the string's ends ($ also before a final newline)", () => {
    assertMatches([
      ['^b', '', 'a\nb', false],
      ['a$', '', 'a\nb', false],
      ['b$', '', 'a\nb\n', true],
      ['b$', '', 'b\n\n', false],
      ['b\\z', '', 'b\n', false],
      ['b\\Z', '', 'b\n', true],
      ['\\Ab', 'm', 'a\nb', false],
    ]);
  });

  test('m makes ^ and $ match at line ends', () => {
    assertMatches([
      ['^b', 'm', 'a\nb', true],
      ['a$', 'm', 'a\nb', true],
      ['\\n^', 'm', 'a\n', false],
      ['^$', 'm', 'a\n\nb', true],
    ]);
  });

  test('s lets . match a newline; without it . matches anything else, \\r included', () => {
    assertMatches([
      ['a.b', '', 'a\nb', false],
      ['a.b', 's', 'a\nb', true],
      ['a.b', '', 'a\rb', true],
      ['a\\Nb', 's', 'a\nb', false],
    ]);
  });

  test('x ignores unescaped whitespace and # comments, but not inside classes', () => {
    assertMatches([
      [' service \\s? operational # the healthy state\n', 'x', 'service operational', true],
      [' service  operational ', 'x', 'serviceoperational', true],
      ['a\\ b', 'x', 'a b', true],
      ['a[ ]b', 'x', 'a b', true],
      ['a\\#b', 'x', 'a#b', true],
      ['a + b', 'x', 'aaab', true],
    ]);
  });

  test('inline modifiers: (?i) for the rest of the group, (?i:…) and (?-i:…) for a part', () => {
    assertMatches([
      ['(?i)restored', '', 'RESTORED', true],
      ['a(?i)b', '', 'aB', true],
      ['a(?i)b', '', 'AB', false],
      ['(?i:normal) service', '', 'NORMAL service', true],
      ['(?i:normal) service', '', 'NORMAL SERVICE', false],
      ['(?-i:Normal) service', 'i', 'normal SERVICE', false],
      ['(?s:.)', '', '\n', true],
      ['(?x: a b )c', '', 'abc', true],
      ['(?^:A)', 'i', 'a', false],
      ['(?^i:A)', '', 'a', true],
      ['(?i-i)a', '', 'A', false],
      ['(?i-i:a)', '', 'A', false],
      ['(?m-m)^a', '', 'b\na', false],
      ['(?x-x: a)', '', ' a', true],
      ['(?#a comment)x', '', 'x', true],
    ]);
  });
});

describe('Perl syntax translated for RE2', () => {
  test('escapes', () => {
    assertMatches([
      ['\\x41', '', 'A', true],
      ['\\x{263A}', '', '☺', true],
      ['\\N{U+263A}', '', '☺', true],
      ['\\0101', '', 'A1', false],
      ['\\e', '', '\x1b', true],
      ['\\cA', '', '\x01', true],
      ['\\o{101}', '', 'A', true],
      ['\\Qa.b*\\E+', '', 'a.b**', true],
      ['\\Qa.b\\E', '', 'axb', false],
      ['\\/', '', 'a/b', true],
      ['\\-', '', '-', true],
      ['\\h', '', '\t', true],
      ['\\v', '', '\n', true],
      ['\\R', '', '\r\n', true],
      ['\\N', '', '\n', false],
    ]);
  });

  test('\\d, \\w, \\s and \\b have their Unicode meaning, as for the decoded strings Perl matches', () => {
    assertMatches([
      ['^\\w+$', '', 'été', true],
      ['\\bété\\b', '', "l'été", true],
      ['^\\d$', '', '٣', true],
      ['^\\s$', '', '\u00a0', true],
      ['^\\s$', '', '\ufeff', false],
      ['^\\W$', '', 'é', false],
      ['\\Bt', '', 'ét', true],
      ['\\bt', '', 'ét', false],
    ]);
  });

  test('character classes', () => {
    assertMatches([
      ['[]a]', '', ']', true],
      ['[^]a]', '', 'b', true],
      ['[a-]', '', '-', true],
      ['[\\w-]', '', '-', true],
      ['[[:alpha:]]', '', 'é', true],
      ['[[:digit:]]', '', '5', true],
      ['[[:^digit:]]', '', '5', false],
      ['[[:punct:]]', '', '$', true],
      ['[a\\W]', '', 'é', false],
      ['[a\\W]', '', '!', true],
      ['[^a\\W]', '', 'b', true],
      ['[^a\\W]', '', 'a', false],
      ['[^a\\W]', '', '!', false],
      ['[\\D]', '', 'x', true],
      ['[.]', '', 'x', false],
      ['[\\b]', '', '\b', true],
      ['[\\x{263A}-\\x{263C}]', '', '☻', true],
      ['[^a\\W\\d]', '', '5', false],
      ['[^a\\W\\d]', '', 'b', true],
      ['[[:upper:]]', '', 'É', true],
      ['[[:lower:]]', '', 'É', false],
      ['[\\101]', '', 'A', true],
      ['[\\o{101}]', '', 'A', true],
      ['[\\cA]', '', '\x01', true],
      ['[\\p{Lu}]', '', 'É', true],
      ['[\\P{Lu}]', '', 'É', false],
    ]);
  });

  test('quantifiers, including a literal { and the {,n} form', () => {
    assertMatches([
      ['^a{2}$', '', 'aa', true],
      ['^a{2,}$', '', 'a', false],
      ['^a{,2}$', '', 'aaa', false],
      ['a{', '', 'a{', true],
      ['x{a}', '', 'x{a}', true],
      ['^a+?$', '', 'aaa', true],
      ['^\\N{2}$', '', 'ab', true],
      ['(?:\\b)*b', '', 'b', true],
      ['^a{1000}$', '', 'a'.repeat(1000), true],
    ]);
  });

  test('named groups match as plain groups', () => {
    assertMatches([
      ['(?<word>\\w+)', '', 'x', true],
      ["(?'w'x)", '', 'x', true],
      ['(?P<w>x)', '', 'x', true],
    ]);
  });

  test('assertions RE2 lacks keep their Perl meaning anywhere in the pattern, whatever the subject holds', () => {
    assertMatches([
      ['b$(?:\\n)', '', 'b\n', true],
      ['b\\Z\\z', '', 'b\n', false],
      ['b\\n^', 'm', 'b\n', false],
      ['\\b\\b\\w', '', 'é', true],
      ['a\\B\\W', '', 'a!', false],
      ['^b', 'm', '\ue021a\nb', true],
      ['\\ba', '', '\ue020a', true],
      ['a$', '', '\ue000a', true],
    ]);
  });
});

describe('constructs that need backtracking', () => {
  test('are syntax errors naming the construct and its position in the expression', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['a(?=b)', 'syntax error at position 3: lookahead (?=…) is not supported (linear-time matching)'],
      ['a(?!b)', 'syntax error at position 3: negative lookahead (?!…) is not supported (linear-time matching)'],
      ['(?<=a)b', 'syntax error at position 2: lookbehind (?<=…) is not supported (linear-time matching)'],
      ['(?<!a)b', 'syntax error at position 2: negative lookbehind (?<!…) is not supported (linear-time matching)'],
      ['(a)\\1', 'syntax error at position 5: backreference \\1 is not supported (linear-time matching)'],
      ['\\101', 'syntax error at position 2: backreference \\1 is not supported (linear-time matching)'],
      ['(?<n>a)\\k<n>', 'syntax error at position 9: backreference \\k is not supported (linear-time matching)'],
      ['\\g{1}', 'syntax error at position 2: backreference \\g is not supported (linear-time matching)'],
      [
        '(?<n>a)(?P=n)',
        'syntax error at position 9: named backreference (?P=…) is not supported (linear-time matching)',
      ],
      ['(?>a+)', 'syntax error at position 2: atomic group (?>…) is not supported (linear-time matching)'],
      ['xa*+', 'syntax error at position 4: possessive quantifier *+ is not supported (linear-time matching)'],
      ['a{2,3}+', 'syntax error at position 3: possessive quantifier {2,3}+ is not supported (linear-time matching)'],
      ['\\Ga', 'syntax error at position 2: the \\G assertion is not supported (linear-time matching)'],
      ['(?|a)', 'syntax error at position 2: branch reset group (?|…) is not supported (linear-time matching)'],
      ['(?(1)a|b)', 'syntax error at position 2: conditional (?(…)…) is not supported (linear-time matching)'],
      ['(?{ 1 })', 'syntax error at position 2: code block (?{…}) is not supported (linear-time matching)'],
      ['(?R)', 'syntax error at position 2: recursion (?R) is not supported (linear-time matching)'],
      ['(*FAIL)', "syntax error at position 2: '(*…)' verbs and assertions is not supported (linear-time matching)"],
    ];
    for (const [pattern, message] of cases) assert.equal(rejection(pattern), message, pattern);
  });

  test('other Perl syntax RE2 lacks stays an error of its own', () => {
    assert.match(rejection('\\N{LATIN SMALL LETTER E}'), /named characters/);
    assert.equal(rejection('a{1001}'), 'syntax error at position 3: quantifier bound above 1000');
    assert.equal(
      rejection('[\\q]'),
      "syntax error at position 3: escape '\\q' is not supported inside a character class",
    );
    assert.equal(rejection('[\\x{110000}]'), 'syntax error at position 3: code point 0x110000 is beyond Unicode');
  });
});

describe('linear-time matching', () => {
  test('(a|aa)+$ against sixty a and a ! answers at once, like every pattern that once backtracked', () => {
    const subject = `${'a'.repeat(60)}!`;
    const started = performance.now();
    for (const pattern of ['(a|aa)+$', '(a+)+$', '(a*)*b', '^(\\w+\\s?)*$', '(a?a)+b', '^(a+b+)+$', '(.*a){12}$']) {
      assert.equal(matches(pattern, '', subject), false, pattern);
    }
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });

  test('long subjects are matched whole, not truncated', () => {
    const long = `${'a'.repeat(100_000)}END`;
    assert.equal(compileExpression('%{s} =~ /END$/').evaluate({ s: long }), true);
    assert.equal(compileExpression('%{s} =~ /^a+$/').evaluate({ s: long }), false);
    assert.equal(compileExpression('%{s} =~ /\\bEND\\b/').evaluate({ s: long }), false);
  });

  test('the same pattern in a --critical-status expression finishes in milliseconds', () => {
    const started = performance.now();
    assert.equal(compileExpression('%{status} =~ /(a|aa)+$/').evaluate({ status: `${'a'.repeat(60)}!` }), false);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });
});
