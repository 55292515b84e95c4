import { ANY_MARKER, needsMarkers, renderAssertion, type RegexAssertion } from './regex-context.ts';

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
export interface RenderMode {
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

/** Whether the tree holds an assertion RE2 cannot run on the subject as it is (see regex-context.ts). */
export function needsMarkedSubject(node: RegexNode): boolean {
  if (node.kind === 'assert') return needsMarkers(node.assertion);
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
