import {
  escapeCodePoint,
  failAt,
  HORIZONTAL_SPACE,
  readCodePointEscape,
  readOctalEscape,
  readPropertyEscape,
  VERTICAL_SPACE,
  type PatternText,
} from './regex-escape.ts';

/** A bracketed character class translated to JavaScript, with the literal code points it names. */
export interface TranslatedClass {
  readonly source: string;
  /** Pattern index just after the closing `]`. */
  readonly end: number;
  readonly codePoints: readonly number[];
}

type ClassItem =
  | { readonly kind: 'char'; readonly codePoint: number; readonly end: number }
  | { readonly kind: 'set'; readonly source: string; readonly end: number };

/** POSIX classes as JavaScript class contents: [positive, negated]; null where `u` mode cannot say it. */
const POSIX_CLASSES: Readonly<Record<string, readonly [string, string | null]>> = {
  alpha: ['\\p{Alphabetic}', '\\P{Alphabetic}'],
  digit: ['\\p{Nd}', '\\P{Nd}'],
  alnum: ['\\p{Alphabetic}\\p{Nd}', null],
  upper: ['\\p{Uppercase}', '\\P{Uppercase}'],
  lower: ['\\p{Lowercase}', '\\P{Lowercase}'],
  space: ['\\s', '\\S'],
  blank: [HORIZONTAL_SPACE, null],
  cntrl: ['\\p{Cc}', '\\P{Cc}'],
  punct: ['\\p{P}$+<=>^`|~', null],
  xdigit: ['0-9A-Fa-f', null],
  word: ['\\w', '\\W'],
  ascii: ['\\u{0}-\\u{7f}', null],
};

/** Reads the class whose `[` is at `index`. In Perl a `]` right after `[` or `[^` is a literal. */
export function translateClass(text: PatternText, index: number): TranslatedClass {
  let cursor = index + 1;
  const negated = text.pattern[cursor] === '^';
  if (negated) cursor += 1;
  const firstItem = cursor;
  let contents = '';
  const codePoints: number[] = [];
  for (;;) {
    if (cursor >= text.pattern.length) failAt(text, index, "unterminated character class: expected ']'");
    if (text.pattern[cursor] === ']' && cursor > firstItem) break;
    const { source, end, points } = readRangeOrItem(text, cursor);
    contents += source;
    codePoints.push(...points);
    cursor = end;
  }
  return { source: `[${negated ? '^' : ''}${contents}]`, end: cursor + 1, codePoints };
}

function readRangeOrItem(text: PatternText, index: number): { source: string; end: number; points: number[] } {
  const low = readClassItem(text, index);
  const dash = low.end;
  const hasRange = text.pattern[dash] === '-' && dash + 1 < text.pattern.length && text.pattern[dash + 1] !== ']';
  if (low.kind === 'set') return { source: low.source, end: low.end, points: [] };
  if (!hasRange) return { source: escapeCodePoint(low.codePoint, true), end: low.end, points: [low.codePoint] };
  const high = readClassItem(text, dash + 1);
  if (high.kind === 'set') {
    return { source: `${escapeCodePoint(low.codePoint, true)}\\-${high.source}`, end: high.end, points: [low.codePoint] };
  }
  if (high.codePoint < low.codePoint) failAt(text, index, 'invalid range in character class: the end is before the start');
  const source = `${escapeCodePoint(low.codePoint, true)}-${escapeCodePoint(high.codePoint, true)}`;
  return { source, end: high.end, points: [low.codePoint, high.codePoint] };
}

function readClassItem(text: PatternText, index: number): ClassItem {
  const character = text.pattern[index];
  if (character === '[') {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(text.pattern.slice(index));
    if (posix !== null) return readPosixClass(text, index, posix[0].length, posix[2] ?? '', posix[1] === '^');
  }
  if (character === '\\') return readClassEscape(text, index + 1);
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { kind: 'char', codePoint, end: index + String.fromCodePoint(codePoint).length };
}

function readPosixClass(text: PatternText, index: number, length: number, name: string, negated: boolean): ClassItem {
  const forms = POSIX_CLASSES[name];
  if (forms === undefined) failAt(text, index, `unsupported POSIX class '[:${name}:]'`);
  const source = negated ? forms[1] : forms[0];
  if (source === null) failAt(text, index, `negated POSIX class '[:^${name}:]' is not supported`);
  return { kind: 'set', source, end: index + length };
}

const SET_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);

/** Reads an escape inside a class; `index` is the character after the backslash. */
function readClassEscape(text: PatternText, index: number): ClassItem {
  const letter = text.pattern[index];
  if (letter === undefined) failAt(text, index - 1, 'trailing backslash in regex');
  if (SET_ESCAPES.has(letter)) return { kind: 'set', source: `\\${letter}`, end: index + 1 };
  if (letter === 'h') return { kind: 'set', source: HORIZONTAL_SPACE, end: index + 1 };
  if (letter === 'v') return { kind: 'set', source: VERTICAL_SPACE, end: index + 1 };
  if (letter === 'p' || letter === 'P') return { kind: 'set', ...readPropertyEscape(text, index) };
  if (letter === 'b') return { kind: 'char', codePoint: 8, end: index + 1 };
  if (/[1-7]/.test(letter)) return { kind: 'char', ...readOctalEscape(text, index) };
  const escaped = readCodePointEscape(text, index);
  if (escaped !== undefined) return { kind: 'char', ...escaped };
  if (/[A-Za-z0-9]/.test(letter)) failAt(text, index - 1, `escape '\\${letter}' is not supported inside a character class`);
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { kind: 'char', codePoint, end: index + String.fromCodePoint(codePoint).length };
}
