import {
  CLASS_ESCAPES,
  escapeCodePoint,
  HORIZONTAL_SPACE,
  readCodePointEscape,
  readOctalEscape,
  readPropertyEscape,
  WORD_CHARACTERS,
  type ClassEscape,
} from './regex-escape.ts';
import { failAt, type PatternText } from './regex-errors.ts';

/** One item of a bracketed class: a character (which may start a range) or a set of them. */
type ClassItem =
  { readonly codePoint: number; readonly end: number } | { readonly set: ClassEscape; readonly end: number };

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

/**
 * Reads the class whose `[` is at `index` into an atomic RE2 fragment that matches one character, and the index just
 * after its `]`. In Perl a `]` right after `[` or `[^` is a literal, and so is a `-` that cannot make a range.
 */
export function translateClass(text: PatternText, index: number): { source: string; end: number } {
  let cursor = index + 1;
  const negated = text.pattern[cursor] === '^';
  if (negated) cursor += 1;
  const firstItem = cursor;
  let positive = '';
  const complements: string[] = [];
  const addSet = (set: ClassEscape): void => {
    const property = /^\\p(\{[^}]+\})$/.exec(set.contents);
    if (!set.negated) positive += set.contents;
    else if (property !== null) positive += `\\P${property[1]}`;
    else complements.push(set.contents);
  };
  while (text.pattern[cursor] !== ']' || cursor === firstItem) {
    if (cursor >= text.pattern.length) failAt(text, index, "unterminated character class: expected ']'");
    const start = cursor;
    const low = readClassItem(text, start);
    cursor = low.end;
    if ('set' in low) {
      addSet(low.set);
      continue;
    }
    const next = text.pattern[cursor + 1];
    if (text.pattern[cursor] !== '-' || next === undefined || next === ']') {
      positive += escapeCodePoint(low.codePoint);
      continue;
    }
    const high = readClassItem(text, cursor + 1);
    cursor = high.end;
    if ('set' in high) {
      positive += `${escapeCodePoint(low.codePoint)}\\-`;
      addSet(high.set);
    } else if (high.codePoint < low.codePoint) {
      failAt(text, start, 'invalid range in character class: the end is before the start');
    } else {
      positive += `${escapeCodePoint(low.codePoint)}-${escapeCodePoint(high.codePoint)}`;
    }
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

function readClassItem(text: PatternText, index: number): ClassItem {
  const posix = /^\[:(\^?)([a-z]+):\]/.exec(text.pattern.slice(index, index + 12));
  if (posix !== null) {
    const contents = POSIX_CLASSES[posix[2] ?? ''];
    if (contents === undefined) failAt(text, index, `unsupported POSIX class '[:${posix[2]}:]'`);
    return { set: { contents, negated: posix[1] === '^' }, end: index + posix[0].length };
  }
  if (text.pattern[index] === '\\') return readClassEscape(text, index + 1);
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { codePoint, end: index + String.fromCodePoint(codePoint).length };
}

/** Reads an escape inside a class; `index` is the character after the backslash. */
function readClassEscape(text: PatternText, index: number): ClassItem {
  const letter = text.pattern[index];
  if (letter === undefined) failAt(text, index - 1, 'trailing backslash in regex');
  const escape = CLASS_ESCAPES[letter];
  if (escape !== undefined) return { set: escape, end: index + 1 };
  if (letter === 'p' || letter === 'P') {
    const property = readPropertyEscape(text, index);
    return { set: { contents: property.source, negated: false }, end: property.end };
  }
  if (letter === 'b') return { codePoint: 8, end: index + 1 };
  if (/[1-7]/.test(letter)) return readOctalEscape(text, index);
  const escaped = readCodePointEscape(text, index);
  if (escaped !== undefined) return escaped;
  if (/[A-Za-z0-9]/.test(letter))
    failAt(text, index - 1, `escape '\\${letter}' is not supported inside a character class`);
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { codePoint, end: index + String.fromCodePoint(codePoint).length };
}
