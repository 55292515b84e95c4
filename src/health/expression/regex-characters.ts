import { RE2JS } from 're2js';
import { failAt, type PatternText } from './regex-errors.ts';

/** A set of characters as RE2 class contents, and whether it stands for their complement. */
interface CharacterSet {
  readonly contents: string;
  readonly negated: boolean;
}

/** What an escape or a class item reads: one character (which may start a range) or a set of them. */
type CharacterItem =
  { readonly codePoint: number; readonly end: number } | { readonly set: CharacterSet; readonly end: number };

/** Perl's one-letter escapes of control characters, the same in double-quoted strings and in regexes. */
export const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { t: 9, n: 10, r: 13, f: 12, e: 0x1b, a: 7 };

/** Horizontal whitespace (`\h`), as class contents. */
const HORIZONTAL_SPACE = '\\t\\x{20}\\x{a0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}';
/** Vertical whitespace (`\v`), as class contents. */
export const VERTICAL_SPACE = '\\n\\x{b}\\f\\r\\x{85}\\x{2028}\\x{2029}';
/** Perl's `\w` on character strings (alphabetic, marks, decimal digits, connectors, Join_Control), as class contents. */
const WORD_CHARACTERS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}';

/**
 * Perl's class escapes with their Unicode meaning (Perl applies Unicode rules to the decoded strings Centreon
 * matches, where RE2's `\d`, `\w` and `\s` are ASCII), by lower-case letter; the upper-case one is the complement.
 */
const CLASS_ESCAPES: Readonly<Record<string, string>> = {
  d: '\\p{Nd}',
  w: WORD_CHARACTERS,
  s: '\\p{White_Space}',
  h: HORIZONTAL_SPACE,
  v: VERTICAL_SPACE,
};

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

/** Escapes whose code point is written between braces: `\x{263A}`, `\o{101}`, `\N{U+263A}`. */
const BRACED_ESCAPES = [
  { open: 'x{', radix: 16 },
  { open: 'o{', radix: 8 },
  { open: 'N{U+', radix: 16 },
] as const;

/** The RE2 fragment matching one character of `set`. */
export function renderSet(set: CharacterSet): string {
  return `[${set.negated ? '^' : ''}${set.contents}]`;
}

/**
 * Reads the escape whose backslash is at `index` when it means the same in a class and out of one: a class escape
 * (`\d \W \h`…), a Unicode property, or a character (`\t \n \r \f \e \a \0oo \xHH \x{…} \o{…} \cX \N{U+…}`, and the
 * octal `\1oo`…, which outside a class is a backreference refused before); undefined for any other escape.
 */
export function readEscapedItem(text: PatternText, index: number): CharacterItem | undefined {
  const letter = text.pattern[index + 1] ?? '';
  const contents = CLASS_ESCAPES[letter.toLowerCase()];
  const negated = letter !== letter.toLowerCase();
  if (contents !== undefined) return { set: { contents, negated }, end: index + 2 };
  if (letter === 'p' || letter === 'P') return readPropertyEscape(text, index + 1);
  const simple = SIMPLE_ESCAPES[letter];
  if (simple !== undefined) return { codePoint: simple, end: index + 2 };
  if (/[0-7]/.test(letter)) {
    const digits = /^[0-7]{1,3}/.exec(text.pattern.slice(index + 1, index + 4))?.[0] ?? '0';
    return { codePoint: Number.parseInt(digits, 8), end: index + 1 + digits.length };
  }
  const braced = BRACED_ESCAPES.find(({ open }) => text.pattern.startsWith(open, index + 1));
  if (braced !== undefined) return readBraced(text, index, braced.open, braced.radix);
  if (letter === 'x') {
    const digits = /^[0-9A-Fa-f]{0,2}/.exec(text.pattern.slice(index + 2, index + 4))?.[0] ?? '';
    return { codePoint: digits === '' ? 0 : Number.parseInt(digits, 16), end: index + 2 + digits.length };
  }
  if (letter === 'c') {
    const character = text.pattern[index + 2];
    if (character === undefined || !/^[\x20-\x7e]$/.test(character))
      failAt(text, index, "escape '\\c' must be followed by a printable ASCII character");
    return { codePoint: (character.toUpperCase().codePointAt(0) ?? 0) ^ 64, end: index + 3 };
  }
  return undefined;
}

/** Reads `\x{…}` and `\o{…}` (underscores and blanks allowed inside, as Perl allows them) and `\N{U+…}`. */
function readBraced(text: PatternText, index: number, open: string, radix: number): CharacterItem {
  const start = index + 1 + open.length;
  const close = text.pattern.indexOf('}', start);
  const written = close < 0 ? '' : text.pattern.slice(start, close);
  const inside = open === 'N{U+' ? written : written.replaceAll('_', '').trim();
  if (!(radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/).test(inside)) {
    const kind = radix === 16 ? 'hexadecimal' : 'octal';
    failAt(text, index, `invalid escape '\\${open}…}': expected ${kind} digits and '}'`);
  }
  const codePoint = Number.parseInt(inside, radix);
  if (codePoint > 0x10ffff) failAt(text, index, `code point 0x${codePoint.toString(16)} is beyond Unicode`);
  return { codePoint, end: close + 1 };
}

/**
 * Reads `\p{…}`, `\P{…}`, `\pL` (index at the `p`/`P`) into an RE2 property escape: general categories, scripts
 * and the binary properties RE2JS knows (`Alphabetic`, `White_Space`…). A bare script name (`\p{Latin}`) is the
 * Script property, where Perl reads Script_Extensions: the two differ only for characters shared between scripts.
 */
function readPropertyEscape(text: PatternText, index: number): CharacterItem {
  const braced = text.pattern[index + 1] === '{';
  const close = braced ? text.pattern.indexOf('}', index) : index + 2;
  if (close < 0 || close > text.pattern.length) failAt(text, index - 1, "unterminated Unicode property: expected '}'");
  let name = braced ? text.pattern.slice(index + 2, close).trim() : text.pattern.slice(index + 1, close);
  let negated = text.pattern[index] === 'P';
  if (name.startsWith('^')) [name, negated] = [name.slice(1).trim(), !negated];
  const found = [name, name.replace(/^Is/, '')].find(isKnownProperty);
  if (found === undefined) failAt(text, index - 1, `unsupported Unicode property '${name}'`);
  const contents = `\\${negated ? 'P' : 'p'}{${found}}`;
  return { set: { contents, negated: false }, end: braced ? close + 1 : close };
}

function isKnownProperty(name: string): boolean {
  if (!/^[A-Za-z_]+$/.test(name)) return false;
  try {
    RE2JS.compile(`\\p{${name}}`);
    return true;
  } catch {
    return false;
  }
}

const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/-#&~ ');

/**
 * Writes a code point as an RE2 fragment matching exactly that character, outside a character class or inside one.
 * Punctuation is escaped, invisible and non-ASCII characters are written `\\x{…}`.
 */
export function escapeCodePoint(codePoint: number): string {
  const character = String.fromCodePoint(codePoint);
  if (SYNTAX_CHARACTERS.has(character)) return `\\${character}`;
  if (codePoint < 0x21 || codePoint >= 0x7f) return `\\x{${codePoint.toString(16)}}`;
  return character;
}

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
  const addSet = (set: CharacterSet): void => {
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

/** Reads an item of a class: a POSIX class, an escape (`\b` is a backspace there), or a character. */
function readClassItem(text: PatternText, index: number): CharacterItem {
  const posix = /^\[:(\^?)([a-z]+):\]/.exec(text.pattern.slice(index, index + 12));
  if (posix !== null) {
    const contents = POSIX_CLASSES[posix[2] ?? ''];
    if (contents === undefined) failAt(text, index, `unsupported POSIX class '[:${posix[2]}:]'`);
    return { set: { contents, negated: posix[1] === '^' }, end: index + posix[0].length };
  }
  if (text.pattern[index] === '\\') {
    const letter = text.pattern[index + 1];
    if (letter === undefined) failAt(text, index, 'trailing backslash in regex');
    if (letter === 'b') return { codePoint: 8, end: index + 2 };
    const escaped = readEscapedItem(text, index);
    if (escaped !== undefined) return escaped;
    if (/[A-Za-z0-9]/.test(letter))
      failAt(text, index, `escape '\\${letter}' is not supported inside a character class`);
    index += 1;
  }
  const codePoint = text.pattern.codePointAt(index) ?? 0;
  return { codePoint, end: index + String.fromCodePoint(codePoint).length };
}
