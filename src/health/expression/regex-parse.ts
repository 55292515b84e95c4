import { checkInterpolation, classNode, parseEscape, PERL_END, readLiteral, type RegexModes, type RegexParser } from './regex-atom.ts';
import { translateClass } from './regex-class.ts';
import { failAt, type PatternText } from './regex-escape.ts';
import type { RegexNode } from './regex-node.ts';

/** A parsed pattern and the literal code points it names. */
export interface ParsedRegex {
  readonly root: RegexNode;
  readonly codePoints: ReadonlySet<number>;
}

const MAX_REPEAT = 65534;
const MAX_GROUP_DEPTH = 50;
const LINE_START = '(?:^|(?<=\\n)(?=[\\s\\S]))';
const LINE_END = '(?=\\n|$)';
const INLINE_FLAGS = /^(\^?)([a-z]*)(?:-([a-z]*))?([:)])/;

/** Parses a Perl pattern written with `flags` (a subset of `imsx`) into a {@link RegexNode} tree. */
export function parseRegex(text: PatternText, flags: string): ParsedRegex {
  const parser: RegexParser = {
    ...text,
    index: 0,
    depth: 0,
    codePoints: new Set(),
    modes: {
      ignoreCase: flags.includes('i'),
      multiline: flags.includes('m'),
      dotAll: flags.includes('s'),
      extended: flags.includes('x'),
    },
  };
  const root = parseAlternation(parser);
  if (parser.index < parser.pattern.length) failAt(parser, parser.index, "unmatched ')' in regex");
  return { root, codePoints: parser.codePoints };
}

function parseAlternation(parser: RegexParser): RegexNode {
  const branches = [parseSequence(parser)];
  while (parser.pattern[parser.index] === '|') {
    parser.index += 1;
    branches.push(parseSequence(parser));
  }
  return branches.length === 1 ? (branches[0] as RegexNode) : { kind: 'alternation', branches };
}

function parseSequence(parser: RegexParser): RegexNode {
  const items: RegexNode[] = [];
  for (;;) {
    skipExtended(parser);
    const character = parser.pattern[parser.index];
    if (character === undefined || character === '|' || character === ')') break;
    const start = parser.index;
    const atoms = parseAtom(parser);
    const last = atoms.pop();
    items.push(...atoms);
    if (last !== undefined) items.push(parseQuantifier(parser, last, start));
  }
  return items.length === 1 ? (items[0] as RegexNode) : { kind: 'sequence', items };
}

/** In /x mode, skips unescaped whitespace and `#` comments (not inside classes, which Perl's /x leaves alone). */
function skipExtended(parser: RegexParser): void {
  while (parser.modes.extended && parser.index < parser.pattern.length) {
    const character = parser.pattern[parser.index] ?? '';
    if (character === '#') {
      const newline = parser.pattern.indexOf('\n', parser.index);
      parser.index = newline < 0 ? parser.pattern.length : newline + 1;
    } else if (/[\t\n\v\f\r \u0085\u200e\u200f\u2028\u2029]/.test(character)) {
      parser.index += 1;
    } else {
      return;
    }
  }
}

interface Quantifier {
  readonly min: number;
  readonly max: number;
  readonly end: number;
}

/** Reads `* + ? {n} {n,} {n,m} {,m}`; a `{` that is not one of these is a literal, as in Perl. */
function readQuantifier(pattern: string, index: number): Quantifier | undefined {
  const character = pattern[index];
  if (character === '*') return { min: 0, max: Infinity, end: index + 1 };
  if (character === '+') return { min: 1, max: Infinity, end: index + 1 };
  if (character === '?') return { min: 0, max: 1, end: index + 1 };
  const braces = character === '{' ? /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(index, index + 24)) : null;
  if (braces === null || (braces[1] === '' && braces[3] === '') || (braces[2] === '' && braces[3] !== '')) return undefined;
  const min = braces[1] === '' ? 0 : Number(braces[1]);
  const max = braces[2] === '' ? min : braces[3] === '' ? Infinity : Number(braces[3]);
  return { min, max, end: index + (braces[0]?.length ?? 0) };
}

function parseQuantifier(parser: RegexParser, atom: RegexNode, start: number): RegexNode {
  skipExtended(parser);
  const quantifier = readQuantifier(parser.pattern, parser.index);
  if (quantifier === undefined) return atom;
  const { min, max } = quantifier;
  if (max < min) failAt(parser, parser.index, 'quantifier {n,m} has n greater than m');
  if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) failAt(parser, parser.index, `quantifier bound above ${MAX_REPEAT}`);
  parser.index = quantifier.end;
  const lazy = parser.pattern[parser.index] === '?';
  if (lazy) parser.index += 1;
  else if (parser.pattern[parser.index] === '+') failAt(parser, parser.index, 'possessive quantifiers are not supported');
  const text = parser.pattern.slice(start, parser.index);
  skipExtended(parser);
  if (readQuantifier(parser.pattern, parser.index) !== undefined) {
    failAt(parser, parser.index, `nested quantifiers: '${text}' cannot be quantified again`);
  }
  const body: RegexNode = atom.kind === 'assert' || atom.kind === 'look' ? { kind: 'group', body: atom } : atom;
  return { kind: 'repeat', body, min, max, lazy, text, position: parser.position + start };
}

function parseAtom(parser: RegexParser): RegexNode[] {
  const at = parser.index;
  const character = parser.pattern[at] ?? '';
  const { multiline, dotAll, ignoreCase } = parser.modes;
  if (character === '(') return parseGroup(parser);
  if (character === '\\') return parseEscape(parser);
  if (character === '[') {
    const translated = translateClass(parser, at);
    parser.index = translated.end;
    for (const codePoint of translated.codePoints) parser.codePoints.add(codePoint);
    return [{ kind: 'char', source: translated.source, ignoreCase, dot: false }];
  }
  if ('*+?'.includes(character) || (character === '{' && readQuantifier(parser.pattern, at) !== undefined)) {
    failAt(parser, at, `quantifier '${character}' follows nothing`);
  }
  checkInterpolation(parser, at);
  if (character === '.' || character === '^' || character === '$') parser.index = at + 1;
  if (character === '.') return [classNode(dotAll ? '[\\s\\S]' : '[^\\n]', true)];
  if (character === '^') return [{ kind: 'assert', source: multiline ? LINE_START : '^', anchorsStart: !multiline }];
  if (character === '$') return [{ kind: 'assert', source: multiline ? LINE_END : PERL_END, anchorsStart: false }];
  return [readLiteral(parser, at)];
}

/** Reads the group whose `(` is at `parser.index`; comments and inline modifiers yield no node. */
function parseGroup(parser: RegexParser): RegexNode[] {
  const open = parser.index;
  const rest = parser.pattern.slice(open + 1, open + 80);
  if (rest.startsWith('*')) failAt(parser, open, "'(*…)' verbs and assertions are not supported");
  const prefix = /^(?:\?(?::|<(?:[A-Za-z_]\w*)>|'(?:[A-Za-z_]\w*)'|P<(?:[A-Za-z_]\w*)>))?/.exec(rest)?.[0] ?? '';
  if (!rest.startsWith('?') || prefix !== '') {
    parser.index = open + 1 + prefix.length;
    return [{ kind: 'group', body: parseBody(parser, open, parser.modes) }];
  }
  const look = /^\?(=|!|<=|<!)/.exec(rest)?.[0];
  if (look !== undefined) {
    parser.index = open + 1 + look.length;
    return [{ kind: 'look', open: `(${look}` as '(?=', body: parseBody(parser, open, parser.modes) }];
  }
  if (rest.startsWith('?#')) {
    const close = parser.pattern.indexOf(')', open);
    if (close < 0) failAt(parser, open, "unterminated comment: expected ')'");
    parser.index = close + 1;
    return [];
  }
  const flags = INLINE_FLAGS.exec(rest.slice(1));
  if (flags === null) failAt(parser, open, describeUnsupportedGroup(rest.slice(1)));
  const modes = applyInlineFlags(parser, open, flags);
  parser.index = open + 2 + (flags[0]?.length ?? 0);
  if (flags[4] === ')') {
    parser.modes = modes;
    return [];
  }
  return [{ kind: 'group', body: parseBody(parser, open, modes) }];
}

function parseBody(parser: RegexParser, open: number, modes: RegexModes): RegexNode {
  if (parser.depth >= MAX_GROUP_DEPTH) failAt(parser, open, `groups nested more than ${MAX_GROUP_DEPTH} deep`);
  const saved = parser.modes;
  parser.modes = modes;
  parser.depth += 1;
  const body = parseAlternation(parser);
  parser.depth -= 1;
  if (parser.pattern[parser.index] !== ')') failAt(parser, open, "unclosed group: expected ')'");
  parser.index += 1;
  parser.modes = saved;
  return body;
}

function applyInlineFlags(parser: RegexParser, open: number, flags: RegExpExecArray): RegexModes {
  const [, caret = '', on = '', off = ''] = flags;
  const unsupported = /[^imsxn]/.exec(on + off)?.[0];
  if (unsupported !== undefined) failAt(parser, open, `unsupported inline flag '${unsupported}' (supported: i, m, s, x, n)`);
  if (caret !== '' && off !== '') failAt(parser, open, "inline flags cannot combine '^' and '-'");
  const base = caret === '' ? parser.modes : { ignoreCase: false, multiline: false, dotAll: false, extended: false };
  const value = (letter: string, current: boolean): boolean => (on.includes(letter) ? true : off.includes(letter) ? false : current);
  return {
    ignoreCase: value('i', base.ignoreCase),
    multiline: value('m', base.multiline),
    dotAll: value('s', base.dotAll),
    extended: value('x', base.extended),
  };
}

function describeUnsupportedGroup(afterQuestion: string): string {
  const first = afterQuestion[0] ?? '';
  if (first === '>') return "atomic groups '(?>…)' are not supported";
  if (first === '|') return "branch reset groups '(?|…)' are not supported";
  if (first === '(') return "conditionals '(?(…)…)' are not supported";
  if (first === '{' || first === '?') return 'code blocks are not supported';
  if (/^(?:P[=>]|&|R|[+-]?\d)/.test(afterQuestion)) return 'recursion and named backreferences are not supported';
  if (first === '<' || first === "'" || first === 'P') return 'invalid group name';
  return `unknown group syntax '(?${first}'`;
}
