import { createSyntaxError, type StringPart } from './ast.ts';
import { SIMPLE_ESCAPES } from './regex-characters.ts';

const WORD_OPERATORS = ['and', 'or', 'not', 'eq', 'ne', 'lt', 'gt', 'le', 'ge'] as const;
/** Two-character operators first: `<=` is one operator, not `<` then `=`. */
const SYMBOL_OPERATORS = ['=~', '!~', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '-', '(', ')'] as const;

/** Operators and punctuation the language knows, symbolic and word forms alike. */
export type OperatorText = (typeof SYMBOL_OPERATORS)[number] | (typeof WORD_OPERATORS)[number];

interface TokenBase {
  /** 1-based position of the token's first character. */
  readonly position: number;
  /** The token as written. */
  readonly text: string;
}

/** A lexical unit of an expression. `word` is a bare word that is not an operator: the parser reports it. */
export type Token =
  | (TokenBase & { readonly kind: 'variable'; readonly name: string })
  | (TokenBase & { readonly kind: 'string'; readonly parts: readonly StringPart[] })
  | (TokenBase & { readonly kind: 'number'; readonly value: number })
  | (TokenBase & { readonly kind: 'regex'; readonly pattern: string; readonly flags: string })
  | (TokenBase & { readonly kind: 'operator'; readonly operator: OperatorText })
  | (TokenBase & { readonly kind: 'word' })
  | (TokenBase & { readonly kind: 'end' });

const CHARACTER_HINTS: Readonly<Record<string, string>> = {
  '=': ' (compare with == or eq)',
  '&': ' (use && or and)',
  '|': ' (use || or or)',
  $: ' (write variables as %{name})',
};
const REGEX_FLAGS = 'imsx';
const VARIABLE_NAME = /[A-Za-z0-9_.]+/;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/;
const LETTERS = /[A-Za-z]*/;

/** The match of `pattern` starting exactly at `index`, if any (a sticky copy: the shared pattern keeps no state). */
function execAt(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  const sticky = new RegExp(pattern, 'y');
  sticky.lastIndex = index;
  return sticky.exec(text);
}

/** The text `pattern` matches starting exactly at `index`, if any. */
function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  return execAt(pattern, text, index)?.[0];
}

/** Splits an expression into tokens, ending with an `end` token; throws `EXPRESSION_SYNTAX` on lexical errors. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = skipWhitespace(text, 0);
  while (index < text.length) {
    const token = readToken(text, index);
    tokens.push(token);
    index = skipWhitespace(text, index + token.text.length);
  }
  tokens.push({ kind: 'end', position: text.length + 1, text: '' });
  return tokens;
}

/** Shows a character in a message, escaping the invisible ones. */
function describeCharacter(character: string): string {
  return `'${/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(character) ? character : JSON.stringify(character).slice(1, -1)}'`;
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && /\s/.test(text[index] ?? '')) index += 1;
  return index;
}

function readToken(text: string, index: number): Token {
  const character = text[index] ?? '';
  if (character === '%') return readVariable(text, index);
  if (character === "'" || character === '"') return readString(text, index);
  if (character === '/') return readRegex(text, index);
  if (/[0-9.]/.test(character)) return readNumber(text, index);
  const word = matchAt(WORD, text, index);
  if (word !== undefined) {
    const operator = WORD_OPERATORS.find((candidate) => candidate === word);
    const position = index + 1;
    return operator !== undefined
      ? { kind: 'operator', operator, position, text: word }
      : { kind: 'word', position, text: word };
  }
  const operator = SYMBOL_OPERATORS.find((candidate) => text.startsWith(candidate, index));
  if (operator !== undefined) return { kind: 'operator', operator, position: index + 1, text: operator };
  const shown = String.fromCodePoint(text.codePointAt(index) ?? 0);
  throw createSyntaxError(index + 1, `unexpected character ${describeCharacter(shown)}${CHARACTER_HINTS[shown] ?? ''}`);
}

function readVariable(text: string, index: number): Token {
  if (text[index + 1] !== '{')
    throw createSyntaxError(index + 1, "unexpected character '%' (variables are written %{name})");
  const name = matchAt(VARIABLE_NAME, text, index + 2) ?? '';
  const closing = index + 2 + name.length;
  if (name === '')
    throw createSyntaxError(closing + 1, `expected a variable name after '%{', found ${describeAt(text, closing)}`);
  if (text[closing] !== '}') {
    throw createSyntaxError(closing + 1, `expected '}' to end the variable name, found ${describeAt(text, closing)}`);
  }
  return { kind: 'variable', name, position: index + 1, text: text.slice(index, closing + 1) };
}

function describeAt(text: string, index: number): string {
  const codePoint = text.codePointAt(index);
  return codePoint === undefined ? 'the end of the expression' : describeCharacter(String.fromCodePoint(codePoint));
}

function readNumber(text: string, index: number): Token {
  const literal = matchAt(NUMBER, text, index);
  if (literal === undefined) throw createSyntaxError(index + 1, "unexpected character '.'");
  const end = index + literal.length;
  if (/^0\d/.test(literal)) {
    throw createSyntaxError(index + 1, `number ${literal} has a leading zero (Perl would read it as octal)`);
  }
  if (/[A-Za-z0-9_.]/.test(text[end] ?? '')) {
    throw createSyntaxError(end + 1, `expected an operator after number ${literal}, found ${describeAt(text, end)}`);
  }
  return { kind: 'number', value: Number(literal), position: index + 1, text: literal };
}

function readString(text: string, index: number): Token {
  const quote = text[index] ?? '';
  const parts: StringPart[] = [];
  let literal = '';
  let cursor = index + 1;
  while (cursor < text.length && text[cursor] !== quote) {
    const interpolated = quote === '"' ? readInterpolation(text, cursor) : undefined;
    if (interpolated !== undefined) {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ variable: interpolated });
      cursor += interpolated.length + 3;
      continue;
    }
    const [value, length] = text[cursor] === '\\' ? readEscape(text, cursor + 1, quote) : [text[cursor] ?? '', 1];
    literal += value;
    cursor += length;
  }
  if (cursor >= text.length) {
    throw createSyntaxError(
      index + 1,
      `unterminated string: expected a closing ${quote} before the end of the expression`,
    );
  }
  if (literal !== '' || parts.length === 0) parts.push(literal);
  return { kind: 'string', parts, position: index + 1, text: text.slice(index, cursor + 1) };
}

function readInterpolation(text: string, index: number): string | undefined {
  if (!text.startsWith('%{', index)) return undefined;
  const name = matchAt(VARIABLE_NAME, text, index + 2);
  return name !== undefined && text[index + 2 + name.length] === '}' ? name : undefined;
}

const CODE_POINT_ESCAPES: readonly (readonly [RegExp, number])[] = [
  [/x\{([0-9A-Fa-f]{1,6})\}/, 16],
  [/x([0-9A-Fa-f]{0,2})/, 16],
  [/N\{U\+([0-9A-Fa-f]{1,6})\}/, 16],
  [/([0-7]{1,3})/, 8],
];

/**
 * Reads the character after a backslash; returns the value and the length consumed, backslash included. Single
 * quotes only know `\\` and `\'`; double quotes also know `\n \t \r \f \e \a`, `\xHH`, `\x{…}`, `\N{U+…}` and
 * octal, and any other escaped character stands for itself.
 */
function readEscape(text: string, index: number, quote: string): [string, number] {
  const next = text[index];
  if (next === undefined) return ['\\', 1];
  if (quote === "'") return next === '\\' || next === "'" ? [next, 2] : ['\\', 1];
  for (const [pattern, radix] of CODE_POINT_ESCAPES) {
    const match = execAt(pattern, text, index);
    const codePoint = match === null ? undefined : Number.parseInt(match[1] || '0', radix);
    if (match !== null && codePoint !== undefined && codePoint <= 0x10ffff)
      return [String.fromCodePoint(codePoint), 1 + match[0].length];
  }
  const character = String.fromCodePoint(text.codePointAt(index) ?? 0);
  const simple = SIMPLE_ESCAPES[character];
  return [simple === undefined ? character : String.fromCodePoint(simple), 1 + character.length];
}

function readRegex(text: string, index: number): Token {
  let cursor = index + 1;
  while (cursor < text.length && text[cursor] !== '/') cursor += text[cursor] === '\\' ? 2 : 1;
  if (cursor >= text.length) {
    throw createSyntaxError(index + 1, 'unterminated regex: expected a closing / before the end of the expression');
  }
  const flags = matchAt(LETTERS, text, cursor + 1) ?? '';
  checkRegexFlags(flags, cursor + 2);
  const pattern = text.slice(index + 1, cursor);
  const end = cursor + 1 + flags.length;
  return { kind: 'regex', pattern, flags, position: index + 1, text: text.slice(index, end) };
}

function checkRegexFlags(flags: string, position: number): void {
  for (let offset = 0; offset < flags.length; offset += 1) {
    const flag = flags[offset] ?? '';
    if (!REGEX_FLAGS.includes(flag)) {
      throw createSyntaxError(position + offset, `unsupported regex flag '${flag}' (supported: i, m, s, x)`);
    }
    if (flags.indexOf(flag) !== offset) throw createSyntaxError(position + offset, `regex flag '${flag}' is repeated`);
  }
}
