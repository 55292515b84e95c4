import type { CharSample, CharUniverse } from './regex-charset.ts';
import type { RegexNode } from './regex-node.ts';

/** What a node can match, approximately: enough to tell where a backtracking engine has choices. */
export interface Shape {
  /** Whether it can match the empty string. */
  readonly nullable: boolean;
  /** Characters a non-empty match can start with. */
  readonly first: CharSample;
  /** Characters a match can contain. */
  readonly chars: CharSample;
  readonly minLength: number;
  readonly maxLength: number;
  /** Whether it contains a quantifier that can repeat a non-empty body without (practical) bound. */
  readonly hasUnbounded: boolean;
}

type Repeat = Extract<RegexNode, { kind: 'repeat' }>;

/** A `{n,m}` range wider than this backtracks like `*` does. */
const WIDE_RANGE = 32;

/** Whether a quantifier can repeat its body many times: `*`, `+`, `{n,}` or a wide `{n,m}`. */
export function isUnbounded(repeat: Repeat): boolean {
  return repeat.max === Infinity || repeat.max - repeat.min > WIDE_RANGE;
}

const ZERO_WIDTH: Shape = { nullable: true, first: 0n, chars: 0n, minLength: 0, maxLength: 0, hasUnbounded: false };

/** Computes (and caches) node shapes over one pattern's sample alphabet. */
export class ShapeReader {
  readonly universe: CharUniverse;
  readonly #shapes = new WeakMap<RegexNode, Shape>();

  constructor(universe: CharUniverse) {
    this.universe = universe;
  }

  /** The shape of a node. */
  of(node: RegexNode): Shape {
    const cached = this.#shapes.get(node);
    if (cached !== undefined) return cached;
    const shape = this.#compute(node);
    this.#shapes.set(node, shape);
    return shape;
  }

  /** The shape of consecutive items, as if they formed a sequence. */
  ofItems(items: readonly RegexNode[]): Shape {
    return items.map((item) => this.of(item)).reduce(concatenate, ZERO_WIDTH);
  }

  #compute(node: RegexNode): Shape {
    switch (node.kind) {
      case 'char': {
        const sample = this.universe.sampleOf(node.source, node.ignoreCase === true);
        return { nullable: false, first: sample, chars: sample, minLength: 1, maxLength: 1, hasUnbounded: false };
      }
      case 'assert':
      case 'look':
        return ZERO_WIDTH;
      case 'group':
        return this.of(node.body);
      case 'sequence':
        return this.ofItems(node.items);
      case 'alternation':
        return node.branches.map((branch) => this.of(branch)).reduce(unite);
      case 'repeat':
        return repeatShape(node, this.of(node.body));
    }
  }
}

function concatenate(left: Shape, right: Shape): Shape {
  return {
    nullable: left.nullable && right.nullable,
    first: left.nullable ? left.first | right.first : left.first,
    chars: left.chars | right.chars,
    minLength: left.minLength + right.minLength,
    maxLength: left.maxLength + right.maxLength,
    hasUnbounded: left.hasUnbounded || right.hasUnbounded,
  };
}

function unite(left: Shape, right: Shape): Shape {
  return {
    nullable: left.nullable || right.nullable,
    first: left.first | right.first,
    chars: left.chars | right.chars,
    minLength: Math.min(left.minLength, right.minLength),
    maxLength: Math.max(left.maxLength, right.maxLength),
    hasUnbounded: left.hasUnbounded || right.hasUnbounded,
  };
}

function repeatShape(repeat: Repeat, body: Shape): Shape {
  return {
    nullable: repeat.min === 0 || body.nullable,
    first: body.first,
    chars: body.chars,
    minLength: body.minLength * repeat.min,
    maxLength: body.maxLength === 0 || repeat.max === 0 ? 0 : body.maxLength * repeat.max,
    hasUnbounded: body.hasUnbounded || (isUnbounded(repeat) && body.maxLength > 0),
  };
}

/** The items of a node read as a sequence, looking through plain groups and nested sequences. */
export function flattenSequence(node: RegexNode): RegexNode[] {
  if (node.kind === 'sequence') return node.items.flatMap(flattenSequence);
  if (node.kind === 'group' && node.body.kind !== 'alternation') return flattenSequence(node.body);
  return [node];
}

/** Whether a node contains an assertion or lookaround anywhere: such a node can fail even when it may be empty. */
export function containsAssertion(node: RegexNode): boolean {
  switch (node.kind) {
    case 'assert':
    case 'look':
      return true;
    case 'char':
      return false;
    case 'group':
    case 'repeat':
      return containsAssertion(node.body);
    case 'sequence':
      return node.items.some(containsAssertion);
    case 'alternation':
      return node.branches.some(containsAssertion);
  }
}

/** Direct children of a node, lookaround bodies included. */
export function childrenOf(node: RegexNode): readonly RegexNode[] {
  switch (node.kind) {
    case 'char':
    case 'assert':
      return [];
    case 'look':
    case 'group':
    case 'repeat':
      return [node.body];
    case 'sequence':
      return node.items;
    case 'alternation':
      return node.branches;
  }
}
