/**
 * The structure of a translated regex: enough shape to render JavaScript source and to judge backtracking risk.
 * Every `char` matches exactly one character; its `source` is an atomic `u`-mode fragment.
 */
export type RegexNode =
  | {
      readonly kind: 'char';
      readonly source: string;
      /** Whether case is ignored; null where case folding cannot change what matches (`.`, `\d`, `\s`…). */
      readonly ignoreCase: boolean | null;
      /** Whether this is Perl's `.`. */
      readonly dot: boolean;
    }
  | {
      readonly kind: 'assert';
      readonly source: string;
      /** Whether the assertion pins the match to the start of the subject (or of a line, for the `.*` rewrite). */
      readonly anchorsStart: boolean;
    }
  | { readonly kind: 'look'; readonly open: '(?=' | '(?!' | '(?<=' | '(?<!'; readonly body: RegexNode }
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
      /** The quantified atom and its quantifier as written, for messages. */
      readonly text: string;
      /** 1-based position of the quantified atom in the expression. */
      readonly position: number;
    };

/**
 * Renders the tree as JavaScript source for `new RegExp(source, ignoreCase ? 'iu' : 'u')`; characters whose case
 * rule differs from `ignoreCase` (Perl's `(?i)` and `(?-i)`) are wrapped in `(?i:…)` or `(?-i:…)` modifiers.
 */
export function renderRegex(node: RegexNode, ignoreCase: boolean): string {
  switch (node.kind) {
    case 'char':
      return node.ignoreCase === null || node.ignoreCase === ignoreCase ? node.source : `(?${node.ignoreCase ? 'i' : '-i'}:${node.source})`;
    case 'assert':
      return node.source;
    case 'look':
      return `${node.open}${renderRegex(node.body, ignoreCase)})`;
    case 'group':
      return `(?:${renderRegex(node.body, ignoreCase)})`;
    case 'sequence':
      return node.items.map((item) => renderRegex(item, ignoreCase)).join('');
    case 'alternation':
      return node.branches.map((branch) => renderRegex(branch, ignoreCase)).join('|');
    case 'repeat':
      return `${renderRegex(node.body, ignoreCase)}${renderQuantifier(node.min, node.max)}${node.lazy ? '?' : ''}`;
  }
}

function renderQuantifier(min: number, max: number): string {
  if (max === Infinity) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === 0 && max === 1) return '?';
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** Whether every case-sensitive character of the tree ignores case, so that the whole regex can take the `i` flag. */
export function isWhollyCaseInsensitive(node: RegexNode): boolean {
  let sensitive = false;
  let insensitive = false;
  const visit = (current: RegexNode): void => {
    if (current.kind === 'char') {
      if (current.ignoreCase === true) insensitive = true;
      if (current.ignoreCase === false) sensitive = true;
    } else if (current.kind === 'sequence') current.items.forEach(visit);
    else if (current.kind === 'alternation') current.branches.forEach(visit);
    else if (current.kind !== 'assert') visit(current.body);
  };
  visit(node);
  return insensitive && !sensitive;
}
