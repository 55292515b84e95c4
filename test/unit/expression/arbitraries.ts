import fc from 'fast-check';
import type { BinaryOperator, Expression, StringPart, UnaryOperator } from '../../../src/health/expression/ast.ts';
import { compileRegex } from '../../../src/health/expression/parse.ts';

/** Variable names the generated expressions and value sets draw from (`missing` is never given a value). */
export const VARIABLE_NAMES = ['status', 'classification', 'service_name', 'n', 'x.y', 'missing'] as const;

/** Values that exercise Perl's conversions: numeric prefixes, '0' and '0.0', case, whitespace, quotes. */
export const SAMPLE_VALUES: readonly string[] = [
  '',
  '0',
  '0.0',
  '00',
  '1',
  '-1',
  ' 2',
  '10',
  '10abc',
  '3.5e2x',
  '.5',
  'abc',
  'ABC',
  'serviceOperational',
  'serviceDegradation',
  'ServiceRestored',
  'incident',
  'advisory',
  'Normal service',
  'Service restored',
  'inf',
  'nan',
  '-foo',
  '+bar',
  'a\nb',
  "it's",
  'back\\slash',
  '%{status}',
  'é',
  'foo bar',
  'b\n',
];

/** Patterns (with flags) accepted by the compiler, covering anchors, classes, flags and Perl-only escapes. */
export const SAFE_REGEXES: readonly (readonly [string, string])[] = [
  ['serviceOperational|serviceRestored', 'i'],
  ['Normal|Service Restored', 'i'],
  ['degradation', 'i'],
  ['^$', ''],
  ['^\\d+$', ''],
  ['^-?\\d+(?:\\.\\d+)?$', ''],
  ['a.c', 's'],
  ['^b', 'm'],
  ['b$', ''],
  ['b$', 'm'],
  ['\\Aa', ''],
  ['a\\z', ''],
  ['b\\Z', ''],
  ['\\bfoo\\b', ''],
  ['[[:upper:]]', ''],
  [' a b # comment\n', 'x'],
  ['\\/', ''],
  ['(?i)restored', ''],
  ['inc(?:ident)?\\b', ''],
  ['^(?:incident|advisory)$', ''],
  ['\\s', ''],
  ['[^a-z]', 'i'],
  ['\\x41', 'i'],
  ['.*service.*', ''],
  ['o{2,}', ''],
  ['é', ''],
  ['\\.', ''],
  ['[.]', ''],
  ['^\\S+ \\S+$', ''],
  ['^.', ''],
  ['.$', 's'],
  ['[]a]', ''],
  ['\\Qa.b\\E', ''],
  ['x{,2}y', ''],
  ['{', ''],
  ['\\N', ''],
  ['\\h', ''],
  ['Restored(?i)', ''],
  ['(?i:normal) service', ''],
  ['%', ''],
];

const UNARY_OPERATORS: readonly UnaryOperator[] = ['!', '-', 'not'];
const BINARY_OPERATORS: readonly BinaryOperator[] = [
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  'eq',
  'ne',
  'lt',
  'gt',
  'le',
  'ge',
  '&&',
  '||',
  'and',
  'or',
];

const literalText = fc.oneof(fc.constantFrom(...SAMPLE_VALUES), fc.string({ maxLength: 6 }));

/** Merges neighbouring literals and drops empty ones, as the tokenizer does. */
function normalizeParts(parts: readonly StringPart[]): StringPart[] {
  const merged: StringPart[] = [];
  for (const part of parts) {
    const last = merged.at(-1);
    if (part === '') continue;
    if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
    else merged.push(part);
  }
  return merged.length === 0 ? [''] : merged;
}

const stringNode: fc.Arbitrary<Expression> = fc.oneof(
  literalText.map((text) => ({ kind: 'string' as const, parts: [text] })),
  fc
    .array(
      fc.oneof(
        literalText,
        fc.constantFrom(...VARIABLE_NAMES).map((variable) => ({ variable })),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((parts) => ({ kind: 'string' as const, parts: normalizeParts(parts) })),
);

const numberNode: fc.Arbitrary<Expression> = fc
  .oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true }))
  .map((value) => ({ kind: 'number' as const, value: Object.is(value, -0) ? 0 : value }));

const variableNode: fc.Arbitrary<Expression> = fc
  .constantFrom(...VARIABLE_NAMES)
  .map((name) => ({ kind: 'variable' as const, name }));

/** Random well-formed expression trees, regexes compiled as the parser would. */
export const expressionTree: fc.Arbitrary<Expression> = fc.letrec<{ node: Expression }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variableNode,
    stringNode,
    numberNode,
    fc
      .tuple(fc.constantFrom(...UNARY_OPERATORS), tie('node'))
      .map(([operator, operand]) => ({ kind: 'unary' as const, operator, operand })),
    fc
      .tuple(fc.constantFrom(...BINARY_OPERATORS), tie('node'), tie('node'))
      .map(([operator, left, right]) => ({ kind: 'binary' as const, operator, left, right })),
    fc
      .tuple(tie('node'), fc.constantFrom(...SAFE_REGEXES), fc.boolean())
      .map(([subject, [pattern, flags], negated]) => ({
        kind: 'match' as const,
        negated,
        subject,
        regex: { pattern, flags, compiled: compileRegex(pattern, flags, 1) },
      })),
  ),
})).node;

/** A value an expression may be given for a variable. */
export const variableValue: fc.Arbitrary<string | number | boolean | undefined> = fc.oneof(
  fc.constantFrom(...SAMPLE_VALUES),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -100, max: 100 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.constant(undefined),
);

/** A set of variable values; `missing` is always left out. */
export const variableValues = fc.record(
  Object.fromEntries(VARIABLE_NAMES.filter((name) => name !== 'missing').map((name) => [name, variableValue])),
  { requiredKeys: [] },
);

const REGEX_ATOMS = [
  'a',
  'b',
  'A',
  ' ',
  '-',
  'é',
  '\\d',
  '\\w',
  '\\s',
  '\\S',
  '\\D',
  '\\W',
  '\\h',
  '\\N',
  '\\.',
  '\\/',
  '\\x41',
  '\\x{e9}',
  '\\t',
  '\\n',
  '.',
  '[ab]',
  '[^a]',
  '[a-c]',
  '[\\w-]',
  '[]a]',
  '[[:alpha:]]',
  '[[:^digit:]]',
  '[.\\n]',
  '\\p{Lu}',
];
const REGEX_ASSERTIONS = ['^', '$', '\\A', '\\z', '\\Z', '\\b', '\\B'];
const REGEX_QUANTIFIERS = ['?', '*', '+', '{2}', '{1,3}', '{2,}', '??', '*?', '+?', '{0,2}?'];

/** Random Perl patterns built from the supported syntax (quantifier bounds and the like may still be rejected). */
export const perlPattern: fc.Arbitrary<string> = fc.letrec<{ pattern: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...REGEX_ATOMS),
    fc.constantFrom(...REGEX_ASSERTIONS),
    fc
      .tuple(fc.constantFrom('(', '(?:', '(?i:', '(?-i:', '(?s:', '(?m:'), tie('pattern'))
      .map(([open, body]) => `${open}${body})`),
  ),
  pattern: fc
    .array(
      fc
        .tuple(tie('atom'), fc.option(fc.constantFrom(...REGEX_QUANTIFIERS), { freq: 3 }))
        .map(([atom, quantifier]) =>
          quantifier !== null && !REGEX_ASSERTIONS.includes(atom) ? atom + quantifier : atom,
        ),
      { minLength: 1, maxLength: 4 },
    )
    .chain((items) => fc.constantFrom(items.join(''), items.join('|'))),
})).pattern;

/** Flag sets for generated patterns. */
export const perlFlags: fc.Arbitrary<string> = fc.subarray(['i', 'm', 's', 'x']).map((flags) => flags.join(''));

/** Short subjects over characters the generated patterns care about. */
export const regexSubject: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('a', 'b', 'A', 'B', ' ', '-', '.', '\n', '1', 'é', 'É', '☺', '/'), { maxLength: 8 })
  .map((characters) => characters.join(''));
