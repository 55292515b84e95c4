/**
 * Perl assertions, and the marked subject that answers those RE2 lacks.
 *
 * Perl's `$` and `\Z` (end, or before a final newline), `^` under /m (never after a final newline) and its Unicode
 * `\b` and `\B` look at the next character, which RE2 cannot do. For a pattern that uses them, the subject is
 * matched with a marker before every character and after the last one, whose bits tell which assertions hold at
 * that position (computed here in one pass); each assertion becomes a lookbehind at the marker, which RE2JS runs in
 * linear time, and every character the pattern reads is followed by the next marker. The pattern is anchored so
 * that it only ever starts just after a marker: subject characters and markers never trade places, so a subject
 * that itself contains marker characters matches exactly as it should.
 */
export type RegexAssertion =
  'textStart' | 'textEnd' | 'perlEnd' | 'lineStart' | 'lineEnd' | 'wordBoundary' | 'notWordBoundary';

/** Assertions RE2 runs natively: `\A`, `\z` and the /m `$` (before any newline or at the end). */
const NATIVE: Readonly<Partial<Record<RegexAssertion, string>>> = {
  textStart: '\\A',
  textEnd: '\\z',
  lineEnd: '(?m:$)',
};

const BITS = { textStart: 1, textEnd: 2, perlEnd: 4, lineStart: 8, lineEnd: 16, wordBoundary: 32 } as const;
const FIRST_MARKER = 0xe000;
const MARKER_COUNT = 64;

/** Any marker: what follows every character the pattern reads in a marked match. */
export const ANY_MARKER = `[\\x{${FIRST_MARKER.toString(16)}}-\\x{${(FIRST_MARKER + MARKER_COUNT - 1).toString(16)}}]`;

/** Start of a marked pattern: the first marker, then whole character-and-marker pairs up to where the match starts. */
export const MARKED_START = `\\A${ANY_MARKER}(?s:..)*?`;

/**
 * The RE2 source of an assertion, in a marked pattern or a plain one; undefined when only a marked subject can
 * answer it.
 */
export function renderAssertion(assertion: RegexAssertion, marked: boolean): string | undefined {
  if (!marked) return NATIVE[assertion];
  const bit = assertion === 'notWordBoundary' ? BITS.wordBoundary : BITS[assertion];
  const wanted = assertion !== 'notWordBoundary';
  let markers = '';
  for (let bits = 0; bits < MARKER_COUNT; bits += 1) {
    if (((bits & bit) !== 0) === wanted) markers += `\\x{${(FIRST_MARKER + bits).toString(16)}}`;
  }
  return `(?<=[${markers}])`;
}

/** Perl's `\w` on character strings, to find word boundaries (a fixed pattern, never operator input). */
const WORD_CHARACTER = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;

/** The subject with a marker before each code point and after the last, for a marked pattern. */
export function markSubject(subject: string): string {
  const characters = [...subject];
  const last = characters.length;
  const isWord = characters.map((character) => WORD_CHARACTER.test(character));
  let marked = '';
  for (let index = 0; index <= last; index += 1) {
    let bits = 0;
    if (index === 0) bits |= BITS.textStart | BITS.lineStart;
    if (index === last) bits |= BITS.textEnd | BITS.perlEnd | BITS.lineEnd;
    if (index === last - 1 && characters[index] === '\n') bits |= BITS.perlEnd;
    if (index > 0 && index < last && characters[index - 1] === '\n') bits |= BITS.lineStart;
    if (characters[index] === '\n') bits |= BITS.lineEnd;
    if ((isWord[index - 1] ?? false) !== (isWord[index] ?? false)) bits |= BITS.wordBoundary;
    marked += String.fromCharCode(FIRST_MARKER + bits) + (characters[index] ?? '');
  }
  return marked;
}
