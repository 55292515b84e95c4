import {
  CLASS_ESCAPES,
  escapeCodePoint,
  failAt,
  HORIZONTAL_SPACE,
  readCodePointEscape,
  readOctalEscape,
  readPropertyEscape,
  WORD_CHARACTERS,
  type ClassEscape,
  type PatternText,
} from './regex-escape.ts';

/** A bracketed character class translated to an atomic RE2 fragment that matches one character. */
export interface TranslatedClass {
  readonly source: string;
  /** Pattern index just after the closing `]`. */
  readonly end: number;
}

type ClassItem =
  | { readonly kind: 'char'; readonly codePoint: number; readonly end: number }
  | { readonly kind: 'set'; readonly escape: ClassEscape; readonly end: number };

/** POSIX classes (`[:name:]`, negated as `[:^name:]`) as RE2 class contents, with Perl's Unicode meaning. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: '\\p{Alphabetic}',
  digit: '\\p{Nd}',
  alnum: '\\p{Alphabetic}\\p{Nd}',
  upper: '\\p{Uppercase}',
  lower: '\\p{Lowercase}',
  space: '\\p{White_Space}',
  blank: HORIZONTAL_SPACE,
  cntrl: '\\p{Cc}',
  punct: '\\p{P}$+<=>^`|~',
  xdigit: '0-9A-Fa-f',
  word: WORD_CHARACTERS,
  ascii: '\\x{0}-\\x{7f}',
};

/** Reads the class whose `[` is at `index`. In Perl a `]` right after `[` or `[^` is a literal. */
export function translateClass(text: PatternText, index: number): TranslatedClass {
  let cursor = index + 1;
  const negated = text.pattern[cursor] === '^';
  if (negated) cursor += 1;
  const firstItem = cursor;
  let positive = '';
  const complements: string[] = [];
  for (;;) {
    if (cursor >= text.pattern.length) failAt(text, index, "unterminated character class: expected ']'");
    if (text.pattern[cursor] === ']' && cursor > firstItem) break;
    const read = readRangeOrItem(text, cursor);
    if (read.complement !== undefined) complements.push(read.complement);
    positive += read.contents;
    cursor = read.end;
  }
  return { source: renderClass(negated, positive, complements), end: cursor + 1 };
}

/**
 * RE2 classes cannot hold the complement of a union (`[a\W]`), so such classes become alternations, or a class
 * narrowed by lookbehinds on the character it just read: `[aP\W]` is `(?:[aP]|[^W])`, and `[^aP\W]` is
 * `(?:[W](?<![aP]))`.
 */
function renderClass(negated: boolean, positive: string, complements: readonly string[]): string {
  if (complements.length === 0) return `[${negated ? '^' : ''}${positive}]`;
  if (!negated) {
    const parts = [...(positive === '' ? [] : [`[${positive}]`]), ...complements.map((contents) => `[^${contents}]`)];
    return parts.length === 1 ? parts[0] : `(?:${parts.join('|')})`;
  }
  const lookbehinds = [
    ...(positive === '' ? [] : [`(?<![${positive}])`]),
    ...complements.slice(1).map((contents) => `(?<=[${contents}])`),
  ];
  return lookbehinds.length === 0 ? `[${complements[0]}]` : `(?:[${complements[0]}]${lookbehinds.join('')})`;
}

interface ReadItem {
  readonly contents: string;
  readonly complement?: string;
  readonly end: number;
}

function readRangeOrItem(text: PatternText, index: number): ReadItem {
  const low = readClassItem(text, index);
  if (low.kind === 'set') return { ...setContents(low.escape), end: low.end };
  const dash = low.end;
  const hasRange = text.pattern[dash] === '-' && dash + 1 < text.pattern.length && text.pattern[dash + 1] !== ']';
  if (!hasRange) return { contents: escapeCodePoint(low.codePoint), end: low.end };
  const high = readClassItem(text, dash + 1);
  if (high.kind === 'set') {
    const set = setContents(high.escape);
    return { ...set, contents: `${escapeCodePoint(low.codePoint)}\\-${set.contents}`, end: high.end };
  }
  if (high.codePoint < low.codePoint)
    failAt(text, index, 'invalid range in character class: the end is before the start');
  const contents = `${escapeCodePoint(low.codePoint)}-${escapeCodePoint(high.codePoint)}`;
  return { contents, end: high.end };
}

/** A complemented single property (`\P{Nd}`) still fits in a class; other complements are kept apart. */
function setContents(escape: ClassEscape): { contents: string; complement?: string } {
  if (!escape.negated) return { contents: escape.contents };
  const property = /^\\p(\{[^}]+\})$/.exec(escape.contents);
  return property === null ? { contents: '', complement: escape.contents } : { contents: `\\P${property[1]}` };
}

function readClassItem(text: PatternText, index: number): ClassItem {
  const character = text.pattern[index];
  if (character === '[') {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(text.pattern.slice(index, index + 12));
    if (posix !== null) {
      const contents = POSIX_CLASSES[posix[2] ?? ''];
      if (contents === undefined) failAt(text, index, `unsupported POSIX class '[:${posix[2]}:]'`);
      return { kind: 'set', escape: { contents, negated: posix[1] === '^' }, end: index + posix[0].length };
    }
  }
  if (character === '\\') return readClassEscape(text, index + 1);
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { kind: 'char', codePoint, end: index + String.fromCodePoint(codePoint).length };
}

/** Reads an escape inside a class; `index` is the character after the backslash. */
function readClassEscape(text: PatternText, index: number): ClassItem {
  const letter = text.pattern[index];
  if (letter === undefined) failAt(text, index - 1, 'trailing backslash in regex');
  const escape = CLASS_ESCAPES[letter];
  if (escape !== undefined) return { kind: 'set', escape, end: index + 1 };
  if (letter === 'p' || letter === 'P') {
    const property = readPropertyEscape(text, index);
    return { kind: 'set', escape: { contents: property.source, negated: false }, end: property.end };
  }
  if (letter === 'b') return { kind: 'char', codePoint: 8, end: index + 1 };
  if (/[1-7]/.test(letter)) return { kind: 'char', ...readOctalEscape(text, index) };
  const escaped = readCodePointEscape(text, index);
  if (escaped !== undefined) return { kind: 'char', ...escaped };
  if (/[A-Za-z0-9]/.test(letter))
    failAt(text, index - 1, `escape '\\${letter}' is not supported inside a character class`);
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { kind: 'char', codePoint, end: index + String.fromCodePoint(codePoint).length };
}
