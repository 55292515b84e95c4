import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { M365Error } from '../../../src/errors.ts';
import { compileExpression, MAX_SUBJECT_LENGTH } from '../../../src/health/expression/index.ts';
import { compileRegex, testRegex } from '../../../src/health/expression/regex-compile.ts';

function matches(pattern: string, flags: string, subject: string): boolean {
  return testRegex(compileRegex(pattern, flags, 1), subject);
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
    assertMatches([['restored', 'i', 'Service Restored', true], ['restored', '', 'Service Restored', false], ['[a-c]', 'i', 'B', true]]);
  });

  test("without m, ^ and $ are the string's ends ($ also before a final newline)", () => {
    assertMatches([
      ['^b', '', 'a\nb', false], ['a$', '', 'a\nb', false], ['b$', '', 'a\nb\n', true], ['b$', '', 'b\n\n', false],
      ['b\\z', '', 'b\n', false], ['b\\Z', '', 'b\n', true], ['\\Ab', 'm', 'a\nb', false],
    ]);
  });

  test('m makes ^ and $ match at line ends', () => {
    assertMatches([['^b', 'm', 'a\nb', true], ['a$', 'm', 'a\nb', true], ['\\n^', 'm', 'a\n', false], ['^$', 'm', 'a\n\nb', true]]);
  });

  test('s lets . match a newline; without it . matches anything else, \\r included', () => {
    assertMatches([['a.b', '', 'a\nb', false], ['a.b', 's', 'a\nb', true], ['a.b', '', 'a\rb', true], ['a\\Nb', 's', 'a\nb', false]]);
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
      ['(?i)restored', '', 'RESTORED', true], ['a(?i)b', '', 'aB', true], ['a(?i)b', '', 'AB', false],
      ['(?i:normal) service', '', 'NORMAL service', true], ['(?i:normal) service', '', 'NORMAL SERVICE', false],
      ['(?-i:Normal) service', 'i', 'normal SERVICE', false], ['(?s:.)', '', '\n', true], ['(?x: a b )c', '', 'abc', true],
      ['(?^:A)', 'i', 'a', false], ['(?#a comment)x', '', 'x', true],
    ]);
  });
});

describe('Perl syntax translated for JavaScript', () => {
  test('escapes', () => {
    assertMatches([
      ['\\x41', '', 'A', true], ['\\x{263A}', '', '☺', true], ['\\N{U+263A}', '', '☺', true],
      ['\\0101', '', 'A1', false], ['\\e', '', '\x1b', true], ['\\cA', '', '\x01', true], ['\\o{101}', '', 'A', true],
      ['\\Qa.b*\\E+', '', 'a.b**', true], ['\\Qa.b\\E', '', 'axb', false], ['\\/', '', 'a/b', true], ['\\-', '', '-', true],
      ['\\h', '', '\t', true], ['\\v', '', '\n', true], ['\\R', '', '\r\n', true], ['\\N', '', '\n', false],
    ]);
  });

  test('\\d, \\w, \\s and \\b have their Unicode meaning, as for the decoded strings Perl matches', () => {
    assertMatches([
      ['^\\w+$', '', 'été', true], ['\\bété\\b', '', "l'été", true], ['^\\d$', '', '٣', true], ['^\\s$', '', '\u00a0', true],
      ['^\\s$', '', '\ufeff', false], ['^\\W$', '', 'é', false], ['\\Bt', '', 'ét', true], ['\\bt', '', 'ét', false],
    ]);
  });

  test('character classes', () => {
    assertMatches([
      ['[]a]', '', ']', true], ['[^]a]', '', 'b', true], ['[a-]', '', '-', true], ['[\\w-]', '', '-', true],
      ['[[:alpha:]]', '', 'é', true], ['[[:digit:]]', '', '5', true], ['[[:^digit:]]', '', '5', false],
      ['[[:punct:]]', '', '$', true], ['[a\\W]', '', 'é', false], ['[a\\W]', '', '!', true], ['[^a\\W]', '', 'b', true],
      ['[^a\\W]', '', 'a', false], ['[^a\\W]', '', '!', false], ['[\\D]', '', 'x', true], ['[.]', '', 'x', false],
      ['[\\b]', '', '\b', true], ['[\\x{263A}-\\x{263C}]', '', '☻', true],
    ]);
  });

  test('quantifiers, including a literal { and the {,n} form', () => {
    assertMatches([
      ['^a{2}$', '', 'aa', true], ['^a{2,}$', '', 'a', false], ['^a{,2}$', '', 'aaa', false], ['a{', '', 'a{', true],
      ['x{a}', '', 'x{a}', true], ['^a+?$', '', 'aaa', true], ['^\\N{2}$', '', 'ab', true], ['(?=a)*b', '', 'b', true],
    ]);
  });

  test('named groups and lookarounds', () => {
    assertMatches([["(?<word>\\w+)", '', 'x', true], ["(?'w'x)", '', 'x', true], ['(?P<w>x)', '', 'x', true], ['a(?!b)', '', 'ab', false], ['(?<=a)b', '', 'ab', true]]);
  });

  test('features JavaScript lacks are syntax errors', () => {
    assert.match(rejection('\\101'), /backreferences/);
    assert.match(rejection('(a)\\1'), /backreferences/);
    assert.match(rejection('(?<n>a)\\k<n>'), /backreferences/);
    assert.match(rejection('\\g{1}'), /backreferences/);
    assert.match(rejection('(?>a+)'), /atomic groups/);
    assert.match(rejection('a*+'), /possessive/);
    assert.match(rejection('(?|a)'), /branch reset/);
    assert.match(rejection('(?(1)a|b)'), /conditionals/);
    assert.match(rejection('(?{ 1 })'), /code blocks/);
    assert.match(rejection('(?R)'), /recursion/);
    assert.match(rejection('\\G'), /not supported/);
    assert.match(rejection('(*FAIL)'), /verbs/);
    assert.match(rejection('\\N{LATIN SMALL LETTER E}'), /named characters/);
  });
});

describe('catastrophic backtracking', () => {
  test('nested unbounded quantifiers are rejected at compile time', () => {
    assert.equal(rejection('(a+)+$'), "syntax error at position 2: unsafe regex: '(a+)+' nests unbounded quantifiers, which can take exponential time");
    assert.match(rejection('(a*)*'), /nests unbounded quantifiers/);
    assert.match(rejection('(\\w+\\s?)*$'), /nests unbounded quantifiers/);
    assert.match(rejection('^(a+b+)+$'), /nests unbounded quantifiers/);
  });

  test('repeated alternatives that can match the same text are rejected', () => {
    assert.equal(
      rejection('(a|aa)+$'),
      "syntax error at position 2: unsafe regex: the alternatives repeated by '(a|aa)+' can match the same text, which can take exponential time",
    );
    assert.match(rejection('(\\w|\\d)+x'), /alternatives/);
    assert.match(rejection('(a|b|ab)*c'), /alternatives/);
  });

  test('repeated bodies that can split the same text several ways are rejected', () => {
    assert.match(rejection('(a?a)+b'), /split the same text/);
    assert.match(rejection('(\\d{1,3}\\.?)+x'), /split the same text/);
    assert.match(rejection('(?:a?){30}a{30}'), /split the same text/);
  });

  test('unambiguous repetitions are accepted', () => {
    for (const pattern of ['(incident|advisory)+', '(ab?)+', '(\\d{1,3}\\.){3}\\d{1,3}', '(-?\\d)+', '(ab|ac)+', '^(\\S+) (\\S+)$']) {
      assert.doesNotThrow(() => compileRegex(pattern, '', 1), pattern);
    }
  });

  test('polynomial patterns get a shorter subject bound, or are rejected when it would be too short', () => {
    assert.equal(compileRegex('serviceOperational|serviceRestored', 'i', 1).maxSubjectLength, MAX_SUBJECT_LENGTH);
    assert.equal(compileRegex('.*outage.*', 'i', 1).maxSubjectLength, MAX_SUBJECT_LENGTH);
    const quadratic = compileRegex('^\\w+\\w+$', '', 1).maxSubjectLength;
    const cubic = compileRegex('\\w+\\w+$', '', 1).maxSubjectLength;
    assert.ok(quadratic < MAX_SUBJECT_LENGTH && cubic < quadratic && cubic >= 100, `${quadratic} ${cubic}`);
    assert.match(rejection('(.*a){12}'), /too many quantifiers in a row can trade the same characters/);
    assert.match(rejection('a'.repeat(300_000)), /too long to match safely/);
  });

  test('a leading .* does not change what matches', () => {
    assertMatches([['.*foo.*bar', '', 'x\nfoo bar', true], ['.*foo', '', 'a\nb foo', true], ['.*x', 's', 'a\nx', true], ['.*x|^y', '', 'zy', false]]);
  });
});

describe('subject length bound', () => {
  test('subjects are truncated to the bound before matching', () => {
    const long = `${'a'.repeat(MAX_SUBJECT_LENGTH)}END`;
    assert.equal(compileExpression('%{s} =~ /END/').evaluate({ s: long }), false);
    assert.equal(compileExpression('%{s} =~ /^a+$/').evaluate({ s: long }), true);
  });

  test('truncation never splits a surrogate pair', () => {
    const subject = `${'a'.repeat(MAX_SUBJECT_LENGTH - 1)}😀`;
    assert.equal(compileExpression('%{s} =~ /\\x{D83D}$/').evaluate({ s: subject }), false);
  });

  test('the classic (a+)+$ style attack on a long subject cannot be written, and .*.*x stays fast', () => {
    const subject = `${'a'.repeat(50_000)}!`;
    const started = performance.now();
    assert.equal(compileExpression('%{s} =~ /.*.*x/ or %{s} =~ /\\w+\\w+x/ or %{s} =~ /(a|b)*c/').evaluate({ s: subject }), false);
    assert.ok(performance.now() - started < 1000);
  });
});
