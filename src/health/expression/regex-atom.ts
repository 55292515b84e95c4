import {
  CLASS_ESCAPES,
  escapeCodePoint,
  failAt,
  readCodePointEscape,
  readPropertyEscape,
  refuseAt,
  VERTICAL_SPACE,
  type PatternText,
} from './regex-escape.ts';
import type { RegexNode } from './regex-tree.ts';

/** The Perl modifiers in force at a point of the pattern. */
export interface RegexModes {
  readonly ignoreCase: boolean;
  readonly multiline: boolean;
  readonly dotAll: boolean;
  readonly extended: boolean;
}

/** Reading state of the pattern parser. */
export interface RegexParser extends PatternText {
  index: number;
  modes: RegexModes;
  depth: number;
}

/** A one-character node whose meaning does not depend on case folding. */
export function classNode(source: string): RegexNode {
  return { kind: 'char', source, ignoreCase: null };
}

/** A node matching one literal code point, under the case rules in force. */
export function literalNode(parser: RegexParser, codePoint: number): RegexNode {
  return { kind: 'char', source: escapeCodePoint(codePoint), ignoreCase: parser.modes.ignoreCase };
}

/** Reads the literal character at `at` and moves past it. */
export function readLiteral(parser: RegexParser, at: number): RegexNode {
  const codePoint = parser.pattern.codePointAt(at) ?? 0;
  parser.index = at + String.fromCodePoint(codePoint).length;
  return literalNode(parser, codePoint);
}

/**
 * Perl interpolates variables inside a regex literal before compiling it: `$` is an anchor only at the end or
 * before `( ) |` or whitespace (`$\\`, `$.`, `$x` are variables), and `@` followed by a word character or `:'{$`
 * starts an array. Centreon's `%{name}` would be interpolated too. In a pattern Perl interpolates, all of these are refused.
 */
export function checkInterpolation(parser: PatternText, at: number): void {
  if (!parser.interpolates) return;
  const next = parser.pattern[at + 1];
  const character = parser.pattern[at];
  if (character === '$' && next !== undefined && !'()| \r\n\t'.includes(next)) {
    failAt(
      parser,
      at,
      `'$${next}' would interpolate a Perl variable: write '\\$' for a dollar sign, '\\z' or '\\Z' for the end`,
    );
  }
  if (character === '@' && next !== undefined && /^[\p{L}\p{N}_:'{$]/u.test(next)) {
    failAt(parser, at, `'@${next}' would interpolate a Perl array: write '\\@' for an at sign`);
  }
  if (/^%\{[A-Za-z0-9_.]+\}/.test(parser.pattern.slice(at, at + 260)))
    failAt(parser, at, 'variables cannot be used inside a regex');
}

function classEscapeNode(letter: string): RegexNode {
  const escape = CLASS_ESCAPES[letter] as { contents: string; negated: boolean };
  return classNode(`[${escape.negated ? '^' : ''}${escape.contents}]`);
}

const ESCAPE_NODES: Readonly<Record<string, () => RegexNode>> = {
  ...Object.fromEntries(Object.keys(CLASS_ESCAPES).map((letter) => [letter, () => classEscapeNode(letter)])),
  N: () => classNode('[^\\n]'),
  R: () => ({
    kind: 'group',
    body: {
      kind: 'alternation',
      branches: [{ kind: 'sequence', items: [classNode('\\r'), classNode('\\n')] }, classNode(`[${VERTICAL_SPACE}]`)],
    },
  }),
  A: () => ({ kind: 'assert', assertion: 'textStart' }),
  z: () => ({ kind: 'assert', assertion: 'textEnd' }),
  Z: () => ({ kind: 'assert', assertion: 'perlEnd' }),
  b: () => ({ kind: 'assert', assertion: 'wordBoundary' }),
  B: () => ({ kind: 'assert', assertion: 'notWordBoundary' }),
};

/** Reads the escape whose backslash is at `parser.index`; `\Q…\E` yields several nodes and a lone `\E` none. */
export function parseEscape(parser: RegexParser): RegexNode[] {
  const at = parser.index;
  const letter = parser.pattern[at + 1];
  if (letter === undefined) failAt(parser, at, 'trailing backslash in regex');
  const escaped = readCodePointEscape(parser, at + 1);
  if (escaped !== undefined) {
    parser.index = escaped.end;
    return [literalNode(parser, escaped.codePoint)];
  }
  parser.index = at + 2;
  if (letter === 'Q') return readQuoted(parser);
  if (letter === 'E') return [];
  if (letter === 'p' || letter === 'P') {
    const property = readPropertyEscape(parser, at + 1);
    parser.index = property.end;
    return [{ kind: 'char', source: property.source, ignoreCase: parser.modes.ignoreCase }];
  }
  if (/[1-9gk]/.test(letter)) refuseAt(parser, at, `backreference \\${letter}`);
  if (letter === 'G') refuseAt(parser, at, 'the \\G assertion');
  const unsupported = describeUnsupportedEscape(letter, parser.pattern.slice(at + 2, at + 24));
  if (unsupported !== undefined) failAt(parser, at, unsupported);
  const node = ESCAPE_NODES[letter];
  if (node !== undefined) return [node()];
  if (/[A-Za-z0-9]/.test(letter)) failAt(parser, at, `unrecognized escape '\\${letter}' in regex`);
  return [readLiteral(parser, at + 1)];
}

function describeUnsupportedEscape(letter: string, after: string): string | undefined {
  const next = after[0];
  if (/[luLUF]/.test(letter)) return `case-changing escape '\\${letter}' is not supported`;
  if (/[KXC]/.test(letter)) return `escape '\\${letter}' is not supported`;
  if (letter === 'N' && next === '{' && !/^\{\d*,?\d*\}/.test(after))
    return "named characters are not supported: write '\\N{U+hex}' or '\\x{hex}'";
  if ((letter === 'b' || letter === 'B') && next === '{') return `'\\${letter}{…}' boundaries are not supported`;
  return undefined;
}

/** `\Q…\E`: everything up to `\E` (or the end) is literal. */
function readQuoted(parser: RegexParser): RegexNode[] {
  const close = parser.pattern.indexOf('\\E', parser.index);
  const end = close < 0 ? parser.pattern.length : close;
  const nodes: RegexNode[] = [];
  while (parser.index < end) nodes.push(readLiteral(parser, parser.index));
  parser.index = close < 0 ? end : close + 2;
  return nodes;
}
