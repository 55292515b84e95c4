import type { M365Error } from '../../errors.ts';

/** How the caller words a problem found at a 0-based index of the pattern (an expression and a `check` option differ). */
export interface PatternErrors {
  /** Malformed syntax, e.g. an unclosed group. */
  invalid(index: number, detail: string): M365Error;
  /** A Perl construct a linear-time engine cannot run, e.g. `lookahead (?=…)`. */
  unsupported(index: number, construct: string): M365Error;
}

/** A Perl pattern being read, with the wording of its errors. */
export interface PatternText {
  readonly pattern: string;
  readonly errors: PatternErrors;
  /** Whether Perl interpolates variables in the pattern before compiling it (a `/…/` literal does). */
  readonly interpolates: boolean;
}

/** Throws the syntax error for a problem at `index` of the pattern. */
export function failAt(text: PatternText, index: number, detail: string): never {
  throw text.errors.invalid(index, detail);
}

/** Throws the error for a Perl construct at `index` that linear-time matching cannot run. */
export function refuseAt(text: PatternText, index: number, construct: string): never {
  throw text.errors.unsupported(index, construct);
}

/**
 * Perl interpolates variables inside a regex literal before compiling it: `$` is an anchor only at the end or
 * before `( ) |` or whitespace (`$\\`, `$.`, `$x` are variables), and `@` followed by a word character or `:'{$`
 * starts an array. Centreon's `%{name}` would be interpolated too. In a pattern Perl interpolates, all of these are
 * refused.
 */
export function checkInterpolation(text: PatternText, at: number): void {
  if (!text.interpolates) return;
  const next = text.pattern[at + 1];
  const character = text.pattern[at];
  if (character === '$' && next !== undefined && !'()| \r\n\t'.includes(next)) {
    failAt(
      text,
      at,
      `'$${next}' would interpolate a Perl variable: write '\\$' for a dollar sign, '\\z' or '\\Z' for the end`,
    );
  }
  if (character === '@' && next !== undefined && /^[\p{L}\p{N}_:'{$]/u.test(next)) {
    failAt(text, at, `'@${next}' would interpolate a Perl array: write '\\@' for an at sign`);
  }
  if (/^%\{[A-Za-z0-9_.]+\}/.test(text.pattern.slice(at, at + 260)))
    failAt(text, at, 'variables cannot be used inside a regex');
}

/** Perl constructs that need backtracking, by how they start, and their names (`$&`: the text met). */
const BACKTRACKING: readonly (readonly [RegExp, string])[] = [
  [/^\(\*/, "'(*…)' verbs and assertions"],
  [/^\(\?=/, 'lookahead (?=…)'],
  [/^\(\?!/, 'negative lookahead (?!…)'],
  [/^\(\?<=/, 'lookbehind (?<=…)'],
  [/^\(\?<!/, 'negative lookbehind (?<!…)'],
  [/^\(\?>/, 'atomic group (?>…)'],
  [/^\(\?\|/, 'branch reset group (?|…)'],
  [/^\(\?\(/, 'conditional (?(…)…)'],
  [/^\(\?[{?]/, 'code block (?{…})'],
  [/^\(\?P=/, 'named backreference (?P=…)'],
  [/^\(\?(?:P>|&|R|[+-]?\d)/, 'recursion (?R)'],
  [/^\\[1-9gk]/, 'backreference $&'],
  [/^\\G/, 'the \\G assertion'],
];

/** Other Perl syntax that RE2 has no equivalent for, by how it starts, and the error (`$1`: the letter met). */
const UNSUPPORTED: readonly (readonly [RegExp, string])[] = [
  [/^\\([luLUF])/, "case-changing escape '\\$1' is not supported"],
  [/^\\([KXC])/, "escape '\\$1' is not supported"],
  [/^\\N\{(?!U\+|\d*,?\d*\})/, "named characters are not supported: write '\\N{U+hex}' or '\\x{hex}'"],
  [/^\\([bB])\{/, "'\\$1{…}' boundaries are not supported"],
];

/** Refuses a group or escape at `at` that the tables above name. */
export function rejectUnsupported(text: PatternText, at: number): void {
  const rest = text.pattern.slice(at, at + 24);
  for (const [start, construct] of BACKTRACKING) {
    const met = start.exec(rest)?.[0];
    if (met !== undefined) refuseAt(text, at, met.replace(start, construct));
  }
  for (const [start, detail] of UNSUPPORTED) {
    const met = start.exec(rest)?.[0];
    if (met !== undefined) failAt(text, at, met.replace(start, detail));
  }
}
