import { RE2JS } from 're2js';
import { failAt, type PatternText } from './regex-errors.ts';

/** A code point read from an escape, and the pattern index just after the escape. */
export interface EscapedCodePoint {
  readonly codePoint: number;
  readonly end: number;
}

/** Perl's one-letter escapes of control characters, the same in double-quoted strings and in regexes. */
export const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { t: 9, n: 10, r: 13, f: 12, e: 0x1b, a: 7 };

/** Escapes whose code point is written between braces: `\x{263A}`, `\o{101}`, `\N{U+263A}`. */
const BRACED_ESCAPES = [
  { open: 'x{', radix: 16 },
  { open: 'o{', radix: 8 },
  { open: 'N{U+', radix: 16 },
] as const;

/**
 * Reads an escape that stands for one character (`\t \n \r \f \e \a \0oo \xHH \x{…} \o{…} \cX \N{U+…}`).
 * `index` is the letter after the backslash; returns undefined when the escape is of another kind.
 */
export function readCodePointEscape(text: PatternText, index: number): EscapedCodePoint | undefined {
  const letter = text.pattern[index] ?? '';
  const simple = SIMPLE_ESCAPES[letter];
  if (simple !== undefined) return { codePoint: simple, end: index + 1 };
  if (letter === '0') return readOctalEscape(text, index);
  const braced = BRACED_ESCAPES.find(({ open }) => text.pattern.startsWith(open, index));
  if (braced !== undefined) return readBraced(text, index, braced.open, braced.radix);
  if (letter === 'x') {
    const digits = /^[0-9A-Fa-f]{0,2}/.exec(text.pattern.slice(index + 1, index + 3))?.[0] ?? '';
    return { codePoint: digits === '' ? 0 : Number.parseInt(digits, 16), end: index + 1 + digits.length };
  }
  if (letter === 'c') {
    const character = text.pattern[index + 1];
    if (character === undefined || !/^[\x20-\x7e]$/.test(character))
      failAt(text, index - 1, "escape '\\c' must be followed by a printable ASCII character");
    return { codePoint: (character.toUpperCase().codePointAt(0) ?? 0) ^ 64, end: index + 2 };
  }
  return undefined;
}

/** Reads up to three octal digits starting at `index` (`\\012`, or `\\12` inside a character class). */
export function readOctalEscape(text: PatternText, index: number): EscapedCodePoint {
  const found = /^[0-7]{1,3}/.exec(text.pattern.slice(index, index + 3))?.[0] ?? '0';
  return { codePoint: Number.parseInt(found, 8), end: index + found.length };
}

/** Reads `\x{…}` and `\o{…}` (underscores and blanks allowed inside, as Perl allows them) and `\N{U+…}`. */
function readBraced(text: PatternText, index: number, open: string, radix: number): EscapedCodePoint {
  const start = index + open.length;
  const close = text.pattern.indexOf('}', start);
  const written = close < 0 ? '' : text.pattern.slice(start, close);
  const inside = open === 'N{U+' ? written : written.replaceAll('_', '').trim();
  if (!(radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/).test(inside)) {
    const kind = radix === 16 ? 'hexadecimal' : 'octal';
    failAt(text, index - 1, `invalid escape '\\${open}…}': expected ${kind} digits and '}'`);
  }
  const codePoint = Number.parseInt(inside, radix);
  if (codePoint > 0x10ffff) failAt(text, index - 1, `code point 0x${codePoint.toString(16)} is beyond Unicode`);
  return { codePoint, end: close + 1 };
}

/**
 * Reads `\p{…}`, `\P{…}`, `\pL` (index at the `p`/`P`) into an RE2 property escape: general categories, scripts
 * and the binary properties RE2JS knows (`Alphabetic`, `White_Space`…). A bare script name (`\p{Latin}`) is the
 * Script property, where Perl reads Script_Extensions: the two differ only for characters shared between scripts.
 */
export function readPropertyEscape(text: PatternText, index: number): { source: string; end: number } {
  const braced = text.pattern[index + 1] === '{';
  const close = braced ? text.pattern.indexOf('}', index) : index + 2;
  if (close < 0 || close > text.pattern.length) failAt(text, index - 1, "unterminated Unicode property: expected '}'");
  let name = braced ? text.pattern.slice(index + 2, close).trim() : text.pattern.slice(index + 1, close);
  let negated = text.pattern[index] === 'P';
  if (name.startsWith('^')) [name, negated] = [name.slice(1).trim(), !negated];
  const found = [name, name.replace(/^Is/, '')].find(isKnownProperty);
  if (found === undefined) failAt(text, index - 1, `unsupported Unicode property '${name}'`);
  return { source: `\\${negated ? 'P' : 'p'}{${found}}`, end: braced ? close + 1 : close };
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

/** Horizontal whitespace (`\h`), as class contents. */
export const HORIZONTAL_SPACE = '\\t\\x{20}\\x{a0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}';
/** Vertical whitespace (`\v`), as class contents. */
export const VERTICAL_SPACE = '\\n\\x{b}\\f\\r\\x{85}\\x{2028}\\x{2029}';
/** Perl's `\w` on character strings (alphabetic, marks, decimal digits, connectors, Join_Control), as class contents. */
export const WORD_CHARACTERS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}';

/** A Perl class escape as RE2 class contents, and whether the escape means their complement. */
export interface ClassEscape {
  readonly contents: string;
  readonly negated: boolean;
}

/**
 * Perl's class escapes with their Unicode meaning (Perl applies Unicode rules to the decoded strings Centreon
 * matches, where RE2's `\d`, `\w` and `\s` are ASCII): `\d` is any decimal digit, `\w` any word character, `\s` any
 * White_Space character.
 */
export const CLASS_ESCAPES: Readonly<Record<string, ClassEscape>> = {
  d: { contents: '\\p{Nd}', negated: false },
  D: { contents: '\\p{Nd}', negated: true },
  w: { contents: WORD_CHARACTERS, negated: false },
  W: { contents: WORD_CHARACTERS, negated: true },
  s: { contents: '\\p{White_Space}', negated: false },
  S: { contents: '\\p{White_Space}', negated: true },
  h: { contents: HORIZONTAL_SPACE, negated: false },
  H: { contents: HORIZONTAL_SPACE, negated: true },
  v: { contents: VERTICAL_SPACE, negated: false },
  V: { contents: VERTICAL_SPACE, negated: true },
};
