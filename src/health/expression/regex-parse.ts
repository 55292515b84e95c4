import {
  checkInterpolation,
  classNode,
  parseEscape,
  readLiteral,
  type RegexModes,
  type RegexParser,
} from './regex-atom.ts';
import { translateClass } from './regex-class.ts';
import { failAt, refuseAt, type PatternText } from './regex-escape.ts';
import type { RegexNode } from './regex-tree.ts';

/** RE2's largest repetition count. */
const MAX_REPEAT = 1000;
const MAX_GROUP_DEPTH = 50;
const LOOKAROUNDS: Readonly<Record<string, string>> = {
  '?=': 'lookahead (?=…)',
  '?!': 'negative lookahead (?!…)',
  '?<=': 'lookbehind (?<=…)',
  '?<!': 'negative lookbehind (?<!…)',
};
const INLINE_FLAGS = /^(\^?)([a-z]*)(?:-([a-z]*))?([:)])/;

/**
 * Parses a Perl pattern written with `flags` (a subset of `imsx`) into a {@link RegexNode} tree, refusing the
 * constructs a linear-time engine cannot run (backreferences, lookarounds, atomic groups, possessive quantifiers…).
 */
export function parseRegex(text: PatternText, flags: string): RegexNode {
  const parser: RegexParser = {
    ...text,
    index: 0,
    depth: 0,
    modes: {
      ignoreCase: flags.includes('i'),
      multiline: flags.includes('m'),
      dotAll: flags.includes('s'),
      extended: flags.includes('x'),
    },
  };
  const root = parseAlternation(parser);
  if (parser.index < parser.pattern.length) failAt(parser, parser.index, "unmatched ')' in regex");
  return root;
}

function parseAlternation(parser: RegexParser): RegexNode {
  const branches = [parseSequence(parser)];
  while (parser.pattern[parser.index] === '|') {
    parser.index += 1;
    branches.push(parseSequence(parser));
  }
  return branches.length === 1 ? branches[0] : { kind: 'alternation', branches };
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
  return items.length === 1 ? items[0] : { kind: 'sequence', items };
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
  if (braces === null || (braces[1] === '' && braces[3] === '') || (braces[2] === '' && braces[3] !== ''))
    return undefined;
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
  if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
    failAt(parser, parser.index, `quantifier bound above ${MAX_REPEAT}`);
  const written = parser.pattern.slice(parser.index, quantifier.end);
  parser.index = quantifier.end;
  const lazy = parser.pattern[parser.index] === '?';
  if (lazy) parser.index += 1;
  else if (parser.pattern[parser.index] === '+')
    refuseAt(parser, parser.index - written.length, `possessive quantifier ${written}+`);
  skipExtended(parser);
  if (readQuantifier(parser.pattern, parser.index) !== undefined) {
    failAt(
      parser,
      parser.index,
      `nested quantifiers: '${parser.pattern.slice(start, parser.index).trimEnd()}' cannot be quantified again`,
    );
  }
  const body: RegexNode = atom.kind === 'assert' ? { kind: 'group', body: atom } : atom;
  return { kind: 'repeat', body, min, max, lazy };
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
    return [{ kind: 'char', source: translated.source, ignoreCase }];
  }
  if ('*+?'.includes(character) || (character === '{' && readQuantifier(parser.pattern, at) !== undefined)) {
    failAt(parser, at, `quantifier '${character}' follows nothing`);
  }
  checkInterpolation(parser, at);
  if (character === '.' || character === '^' || character === '$') parser.index = at + 1;
  if (character === '.') return [classNode(dotAll ? '[\\s\\S]' : '[^\\n]')];
  if (character === '^') return [{ kind: 'assert', assertion: multiline ? 'lineStart' : 'textStart' }];
  if (character === '$') return [{ kind: 'assert', assertion: multiline ? 'lineEnd' : 'perlEnd' }];
  return [readLiteral(parser, at)];
}

/** Reads the group whose `(` is at `parser.index`; comments and inline modifiers yield no node. */
function parseGroup(parser: RegexParser): RegexNode[] {
  const open = parser.index;
  const rest = parser.pattern.slice(open + 1, open + 80);
  if (rest.startsWith('*')) refuseAt(parser, open, "'(*…)' verbs and assertions");
  const prefix = /^(?:\?(?::|<(?:[A-Za-z_]\w*)>|'(?:[A-Za-z_]\w*)'|P<(?:[A-Za-z_]\w*)>))?/.exec(rest)?.[0] ?? '';
  if (!rest.startsWith('?') || prefix !== '') {
    parser.index = open + 1 + prefix.length;
    return [{ kind: 'group', body: parseBody(parser, open, parser.modes) }];
  }
  const look = /^\?(?:=|!|<=|<!)/.exec(rest)?.[0];
  if (look !== undefined) refuseAt(parser, open, LOOKAROUNDS[look] ?? look);
  if (rest.startsWith('?#')) {
    const close = parser.pattern.indexOf(')', open);
    if (close < 0) failAt(parser, open, "unterminated comment: expected ')'");
    parser.index = close + 1;
    return [];
  }
  const flags = INLINE_FLAGS.exec(rest.slice(1));
  if (flags === null) describeUnsupportedGroup(parser, open, rest.slice(1));
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
  if (unsupported !== undefined)
    failAt(parser, open, `unsupported inline flag '${unsupported}' (supported: i, m, s, x, n)`);
  if (caret !== '' && off !== '') failAt(parser, open, "inline flags cannot combine '^' and '-'");
  const base = caret === '' ? parser.modes : { ignoreCase: false, multiline: false, dotAll: false, extended: false };
  const value = (letter: string, current: boolean): boolean =>
    on.includes(letter) ? true : off.includes(letter) ? false : current;
  return {
    ignoreCase: value('i', base.ignoreCase),
    multiline: value('m', base.multiline),
    dotAll: value('s', base.dotAll),
    extended: value('x', base.extended),
  };
}

function describeUnsupportedGroup(parser: RegexParser, open: number, afterQuestion: string): never {
  const first = afterQuestion[0] ?? '';
  if (first === '>') refuseAt(parser, open, 'atomic group (?>…)');
  if (first === '|') refuseAt(parser, open, 'branch reset group (?|…)');
  if (first === '(') refuseAt(parser, open, 'conditional (?(…)…)');
  if (first === '{' || first === '?') refuseAt(parser, open, 'code block (?{…})');
  if (afterQuestion.startsWith('P=')) refuseAt(parser, open, 'named backreference (?P=…)');
  if (/^(?:P>|&|R|[+-]?\d)/.test(afterQuestion)) refuseAt(parser, open, 'recursion (?R)');
  if (first === '<' || first === "'" || first === 'P') failAt(parser, open, 'invalid group name');
  return failAt(parser, open, `unknown group syntax '(?${first}'`);
}
