import { escapeCodePoint, readEscapedItem, renderSet, translateClass, VERTICAL_SPACE } from './regex-characters.ts';
import { checkInterpolation, failAt, refuseAt, rejectUnsupported, type PatternText } from './regex-errors.ts';
import { ANY_MARKER, renderAssertion, type RegexAssertion } from './regex-marks.ts';

/** RE2's largest repetition count. */
const MAX_REPEAT = 1000;
const MAX_GROUP_DEPTH = 50;
const INLINE_FLAGS = /^(\^?)([a-z]*)(?:-([a-z]*))?([:)])/;

/** The Perl modifiers the translation applies itself; `i` and `s` mean the same to RE2 and are passed on to it. */
interface Modes {
  readonly multiline: boolean;
  readonly extended: boolean;
}

/** Reading state of the translation. */
interface Translator extends PatternText {
  index: number;
  depth: number;
  modes: Modes;
  /** Whether the pattern runs on a marked subject (see `regex-marks.ts`). */
  readonly marked: boolean;
  /** Set on meeting an assertion that only a marked subject can answer. */
  needsMarks: boolean;
}

/**
 * What one construct of the pattern becomes: RE2 fragments each matching one thing, the last of which a quantifier
 * may follow, or a change of the RE2 flags (`(?i)`), which no quantifier may follow.
 */
type Translated = string[] | { readonly flags: string };

/**
 * Translates a Perl pattern written with `flags` (a subset of `imsx`) to RE2 syntax, refusing the constructs a
 * linear-time engine cannot run (backreferences, lookarounds, atomic groups, possessive quantifiers…). `marked`
 * says whether it will run on a marked subject; if not, `needsMarks` tells whether it must.
 */
export function translateRegex(
  text: PatternText,
  flags: string,
  marked: boolean,
): { source: string; needsMarks: boolean } {
  const translator: Translator = {
    ...text,
    index: 0,
    depth: 0,
    modes: { multiline: flags.includes('m'), extended: flags.includes('x') },
    marked,
    needsMarks: false,
  };
  const source = translateAlternation(translator);
  if (translator.index < translator.pattern.length) failAt(translator, translator.index, "unmatched ')' in regex");
  return { source, needsMarks: translator.needsMarks };
}

/** Translates up to the end of the pattern or of the current group: branches, their items and quantifiers. */
function translateAlternation(t: Translator): string {
  let source = '';
  for (;;) {
    skipExtended(t);
    const character = t.pattern[t.index];
    if (character === undefined || character === ')') return source;
    if (character === '|') {
      t.index += 1;
      source += '|';
      continue;
    }
    const start = t.index;
    const atoms = translateAtom(t);
    if (!Array.isArray(atoms)) {
      source += atoms.flags;
      continue;
    }
    const last = atoms.pop();
    source += atoms.join('');
    if (last !== undefined) source += translateQuantifier(t, last, start);
  }
}

/** In /x mode, skips unescaped whitespace and `#` comments (not inside classes, which Perl's /x leaves alone). */
function skipExtended(t: Translator): void {
  while (t.modes.extended && t.index < t.pattern.length) {
    const character = t.pattern[t.index] ?? '';
    if (character === '#') {
      const newline = t.pattern.indexOf('\n', t.index);
      t.index = newline < 0 ? t.pattern.length : newline + 1;
    } else if (/[\t\n\v\f\r \u0085\u200e\u200f\u2028\u2029]/.test(character)) {
      t.index += 1;
    } else {
      return;
    }
  }
}

/** A fragment matching one character; in a marked pattern, the marker after it too. */
function one(t: Translator, source: string): string {
  return t.marked ? `${source}${ANY_MARKER}` : source;
}

function assertion(t: Translator, kind: RegexAssertion): string {
  const source = renderAssertion(kind, t.marked);
  if (source === undefined) t.needsMarks = true;
  return source ?? '';
}

/** `* + ? {n} {n,} {n,m} {,m}`; any other `{` is a literal, as in Perl. */
const QUANTIFIER = /^(?:[*+?]|\{(?:\d+,?\d*|,\d+)\})/;
const SHORT_QUANTIFIERS: Readonly<Record<string, string>> = { '*': '{0,}', '+': '{1,}', '?': '{0,1}' };

/** Reads the quantifier at `index`, if there is one, with its bounds. */
function readQuantifier(pattern: string, index: number): { written: string; min: number; max: number } | undefined {
  const written = QUANTIFIER.exec(pattern.slice(index, index + 24))?.[0];
  if (written === undefined) return undefined;
  const [low = '', high = low] = (SHORT_QUANTIFIERS[written] ?? written).slice(1, -1).split(',');
  return { written, min: Number(low), max: high === '' ? Infinity : Number(high) };
}

function translateQuantifier(t: Translator, atom: string, start: number): string {
  skipExtended(t);
  const quantifier = readQuantifier(t.pattern, t.index);
  if (quantifier === undefined) return atom;
  const { written, min, max } = quantifier;
  if (max < min) failAt(t, t.index, 'quantifier {n,m} has n greater than m');
  if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
    failAt(t, t.index, `quantifier bound above ${MAX_REPEAT}`);
  t.index += written.length;
  const lazy = t.pattern[t.index] === '?';
  if (lazy) t.index += 1;
  else if (t.pattern[t.index] === '+') refuseAt(t, t.index - written.length, `possessive quantifier ${written}+`);
  skipExtended(t);
  if (readQuantifier(t.pattern, t.index) !== undefined) {
    const quantified = t.pattern.slice(start, t.index).trimEnd();
    failAt(t, t.index, `nested quantifiers: '${quantified}' cannot be quantified again`);
  }
  const bounds = min === max ? `{${min}}` : `{${min},${max === Infinity ? '' : max}}`;
  return `(?:${atom})${bounds}${lazy ? '?' : ''}`;
}

function translateAtom(t: Translator): Translated {
  const at = t.index;
  const character = t.pattern[at] ?? '';
  if (character === '(' || character === '\\') rejectUnsupported(t, at);
  if (character === '(') return translateGroup(t);
  if (character === '\\') return translateEscape(t);
  if (character === '[') {
    const translated = translateClass(t, at);
    t.index = translated.end;
    return [one(t, translated.source)];
  }
  if ('*+?'.includes(character) || (character === '{' && readQuantifier(t.pattern, at) !== undefined))
    failAt(t, at, `quantifier '${character}' follows nothing`);
  checkInterpolation(t, at);
  if (character === '.' || character === '^' || character === '$') t.index = at + 1;
  if (character === '.') return [one(t, '.')];
  if (character === '^') return [assertion(t, t.modes.multiline ? 'lineStart' : 'textStart')];
  if (character === '$') return [assertion(t, t.modes.multiline ? 'lineEnd' : 'perlEnd')];
  return [readLiteral(t, at)];
}

/** Reads the literal character at `at` and moves past it. */
function readLiteral(t: Translator, at: number): string {
  const codePoint = t.pattern.codePointAt(at) ?? 0;
  t.index = at + String.fromCodePoint(codePoint).length;
  return one(t, escapeCodePoint(codePoint));
}

/** Reads the group whose `(` is at `t.index`; comments yield nothing, inline modifiers a change of flags. */
function translateGroup(t: Translator): Translated {
  const open = t.index;
  const rest = t.pattern.slice(open + 1, open + 80);
  const prefix = /^(?:\?(?::|<(?:[A-Za-z_]\w*)>|'(?:[A-Za-z_]\w*)'|P<(?:[A-Za-z_]\w*)>))?/.exec(rest)?.[0] ?? '';
  if (!rest.startsWith('?') || prefix !== '') {
    t.index = open + 1 + prefix.length;
    return [`(?:${translateBody(t, open, t.modes)})`];
  }
  if (rest.startsWith('?#')) {
    const close = t.pattern.indexOf(')', open);
    if (close < 0) failAt(t, open, "unterminated comment: expected ')'");
    t.index = close + 1;
    return [];
  }
  const written = INLINE_FLAGS.exec(rest.slice(1));
  if (written === null) {
    const unknown = /^[<'P]/.test(rest.slice(1)) ? 'invalid group name' : `unknown group syntax '(?${rest[1] ?? ''}'`;
    failAt(t, open, unknown);
  }
  const { modes, flags } = readInlineFlags(t, open, written);
  t.index = open + 2 + (written[0]?.length ?? 0);
  if (written[4] === ')') {
    t.modes = modes;
    return { flags: flags === '' ? '' : `(?${flags})` };
  }
  return [`(?${flags}:${translateBody(t, open, modes)})`];
}

function translateBody(t: Translator, open: number, modes: Modes): string {
  if (t.depth >= MAX_GROUP_DEPTH) failAt(t, open, `groups nested more than ${MAX_GROUP_DEPTH} deep`);
  const saved = t.modes;
  t.modes = modes;
  t.depth += 1;
  const body = translateAlternation(t);
  t.depth -= 1;
  if (t.pattern[t.index] !== ')') failAt(t, open, "unclosed group: expected ')'");
  t.index += 1;
  t.modes = saved;
  return body;
}

/**
 * Perl's inline modifiers (`(?i-s)`, `(?^x:…)`): the modes the translation applies, and the RE2 flags of the rest,
 * `i` and `s`, which RE2 scopes as Perl does (to the end of the enclosing group).
 */
function readInlineFlags(t: Translator, open: number, written: RegExpExecArray): { modes: Modes; flags: string } {
  const [, caret = '', on = '', off = ''] = written;
  const unsupported = /[^imsxn]/.exec(on + off)?.[0];
  if (unsupported !== undefined) failAt(t, open, `unsupported inline flag '${unsupported}' (supported: i, m, s, x, n)`);
  if (caret !== '' && off !== '') failAt(t, open, "inline flags cannot combine '^' and '-'");
  // A letter both set and unset (`(?i-i)`) ends unset, as in Perl.
  const value = (letter: string, current: boolean): boolean =>
    off.includes(letter) ? false : on.includes(letter) ? true : caret !== '' ? false : current;
  const modes = { multiline: value('m', t.modes.multiline), extended: value('x', t.modes.extended) };
  const set = [...'is'].filter((letter) => value(letter, false)).join('');
  const unset = [...'is'].filter((letter) => !value(letter, true));
  return { modes, flags: unset.length === 0 ? set : `${set}-${unset.join('')}` };
}

/** Escapes that mean more than one character: line breaks and assertions. */
const ESCAPES: Readonly<Record<string, (t: Translator) => string>> = {
  N: (t) => one(t, '[^\\n]'),
  R: (t) => `(?:${one(t, '\\r')}${one(t, '\\n')}|${one(t, `[${VERTICAL_SPACE}]`)})`,
  A: (t) => assertion(t, 'textStart'),
  z: (t) => assertion(t, 'textEnd'),
  Z: (t) => assertion(t, 'perlEnd'),
  b: (t) => assertion(t, 'wordBoundary'),
  B: (t) => assertion(t, 'notWordBoundary'),
};

/** Reads the escape whose backslash is at `t.index`; `\Q…\E` yields several characters and a lone `\E` none. */
function translateEscape(t: Translator): string[] {
  const at = t.index;
  const letter = t.pattern[at + 1];
  if (letter === undefined) failAt(t, at, 'trailing backslash in regex');
  const item = readEscapedItem(t, at);
  if (item !== undefined) {
    t.index = item.end;
    return [one(t, 'set' in item ? renderSet(item.set) : escapeCodePoint(item.codePoint))];
  }
  t.index = at + 2;
  if (letter === 'Q') return readQuoted(t);
  if (letter === 'E') return [];
  const known = ESCAPES[letter];
  if (known !== undefined) return [known(t)];
  if (/[A-Za-z0-9]/.test(letter)) failAt(t, at, `unrecognized escape '\\${letter}' in regex`);
  return [readLiteral(t, at + 1)];
}

/** `\Q…\E`: everything up to `\E` (or the end) is literal. */
function readQuoted(t: Translator): string[] {
  const close = t.pattern.indexOf('\\E', t.index);
  const end = close < 0 ? t.pattern.length : close;
  const characters: string[] = [];
  while (t.index < end) characters.push(readLiteral(t, t.index));
  t.index = close < 0 ? end : close + 2;
  return characters;
}
