/**
 * The structure of a translated regex. Every `char` matches exactly one character; its `source` is an atomic RE2
 * fragment.
 */
export type RegexNode =
  | {
      readonly kind: 'char';
      readonly source: string;
      /** Whether case is ignored; null where case folding cannot change what matches (`.`, `\d`, `\s`…). */
      readonly ignoreCase: boolean | null;
    }
  | { readonly kind: 'assert'; readonly assertion: RegexAssertion }
  | { readonly kind: 'group'; readonly body: RegexNode }
  | { readonly kind: 'sequence'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alternation'; readonly branches: readonly RegexNode[] }
  | {
      readonly kind: 'repeat';
      readonly body: RegexNode;
      readonly min: number;
      /** `Infinity` for `*`, `+` and `{n,}`. */
      readonly max: number;
      readonly lazy: boolean;
    };

/** How a tree is rendered: the case rule of the whole pattern, and whether it runs on a marked subject. */
interface RenderMode {
  readonly ignoreCase: boolean;
  readonly marked: boolean;
}

/**
 * Renders the tree as RE2 source; characters whose case rule differs from the pattern's (Perl's `(?i)` and `(?-i)`)
 * are wrapped in `(?i:…)` or `(?-i:…)`. In a marked pattern each character is followed by the next marker.
 */
export function renderRegex(node: RegexNode, mode: RenderMode): string {
  switch (node.kind) {
    case 'char': {
      const source =
        node.ignoreCase === null || node.ignoreCase === mode.ignoreCase
          ? node.source
          : `(?${node.ignoreCase ? 'i' : '-i'}:${node.source})`;
      return mode.marked ? `${source}${ANY_MARKER}` : source;
    }
    case 'assert':
      return renderAssertion(node.assertion, mode.marked);
    case 'group':
      return `(?:${renderRegex(node.body, mode)})`;
    case 'sequence':
      return node.items.map((item) => renderRegex(item, mode)).join('');
    case 'alternation':
      return node.branches.map((branch) => renderRegex(branch, mode)).join('|');
    case 'repeat':
      return `(?:${renderRegex(node.body, mode)})${renderQuantifier(node.min, node.max)}${node.lazy ? '?' : ''}`;
  }
}

function renderQuantifier(min: number, max: number): string {
  if (max === Infinity) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === 0 && max === 1) return '?';
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** Direct children of a node. */
function childrenOf(node: RegexNode): readonly RegexNode[] {
  switch (node.kind) {
    case 'char':
    case 'assert':
      return [];
    case 'group':
    case 'repeat':
      return [node.body];
    case 'sequence':
      return node.items;
    case 'alternation':
      return node.branches;
  }
}

/** Whether the tree holds an assertion RE2 cannot run on the subject as it is, without markers. */
export function needsMarkedSubject(node: RegexNode): boolean {
  if (node.kind === 'assert') return NATIVE[node.assertion] === undefined;
  return childrenOf(node).some(needsMarkedSubject);
}

/** Whether every case-sensitive character of the tree ignores case, so that the whole regex can take `(?i)`. */
export function isWhollyCaseInsensitive(node: RegexNode): boolean {
  let sensitive = false;
  let insensitive = false;
  const visit = (current: RegexNode): void => {
    if (current.kind === 'char') {
      if (current.ignoreCase === true) insensitive = true;
      if (current.ignoreCase === false) sensitive = true;
    }
    childrenOf(current).forEach(visit);
  };
  visit(node);
  return insensitive && !sensitive;
}

/**
 * Perl assertions that RE2 lacks, answered by marking the subject.
 *
 * Perl's `$` and `\Z` (end, or before a final newline), `^` under /m (never after a final newline) and its Unicode
 * `\b` and `\B` look at the next character, which RE2 cannot do. For a pattern that uses them, the subject is
 * matched with a marker before every character and after the last one, whose bits tell which assertions hold at
 * that position (computed here in one pass); each assertion becomes a lookbehind at the marker, which RE2JS runs in
 * linear time, and every character the pattern reads is followed by the next marker. The pattern is anchored so
 * that it only ever starts just after a marker: subject characters and markers never trade places, so a subject
 * that itself contains marker characters matches exactly as it should.
 */
export type RegexAssertion =
  'textStart' | 'textEnd' | 'perlEnd' | 'lineStart' | 'lineEnd' | 'wordBoundary' | 'notWordBoundary';

/** Assertions RE2 runs natively: `\A`, `\z` and the /m `$` (before any newline or at the end). */
const NATIVE: Readonly<Partial<Record<RegexAssertion, string>>> = {
  textStart: '\\A',
  textEnd: '\\z',
  lineEnd: '(?m:$)',
};

const BITS = { textStart: 1, textEnd: 2, perlEnd: 4, lineStart: 8, lineEnd: 16, wordBoundary: 32 } as const;
const FIRST_MARKER = 0xe000;
const MARKER_COUNT = 64;

/** Any marker: what follows every character the pattern reads in a marked match. */
const ANY_MARKER = `[\\x{${FIRST_MARKER.toString(16)}}-\\x{${(FIRST_MARKER + MARKER_COUNT - 1).toString(16)}}]`;

/** Start of a marked pattern: the first marker, then whole character-and-marker pairs up to where the match starts. */
export const MARKED_START = `\\A${ANY_MARKER}(?s:..)*?`;

/** The RE2 source of an assertion, in a plain pattern or a marked one. */
function renderAssertion(assertion: RegexAssertion, marked: boolean): string {
  const native = NATIVE[assertion];
  if (!marked && native !== undefined) return native;
  const bit = assertion === 'notWordBoundary' ? BITS.wordBoundary : BITS[assertion];
  const wanted = assertion !== 'notWordBoundary';
  let markers = '';
  for (let bits = 0; bits < MARKER_COUNT; bits += 1) {
    if (((bits & bit) !== 0) === wanted) markers += `\\x{${(FIRST_MARKER + bits).toString(16)}}`;
  }
  return `(?<=[${markers}])`;
}

/** Perl's `\w` on character strings, to find word boundaries (a fixed pattern, never operator input). */
const WORD_CHARACTER = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;

/** The subject with a marker before each code point and after the last, for a marked pattern. */
export function markSubject(subject: string): string {
  const characters = [...subject];
  const last = characters.length;
  const isWord = characters.map((character) => WORD_CHARACTER.test(character));
  let marked = '';
  for (let index = 0; index <= last; index += 1) {
    let bits = 0;
    if (index === 0) bits |= BITS.textStart | BITS.lineStart;
    if (index === last) bits |= BITS.textEnd | BITS.perlEnd | BITS.lineEnd;
    if (index === last - 1 && characters[index] === '\n') bits |= BITS.perlEnd;
    if (index > 0 && index < last && characters[index - 1] === '\n') bits |= BITS.lineStart;
    if (characters[index] === '\n') bits |= BITS.lineEnd;
    if ((isWord[index - 1] ?? false) !== (isWord[index] ?? false)) bits |= BITS.wordBoundary;
    marked += String.fromCharCode(FIRST_MARKER + bits) + (characters[index] ?? '');
  }
  return marked;
}
