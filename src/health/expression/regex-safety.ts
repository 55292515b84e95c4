import type { CharSample } from './regex-charset.ts';
import type { RegexNode } from './regex-node.ts';
import { childrenOf, containsAssertion, flattenSequence, isUnbounded, type ShapeReader } from './regex-shape.ts';
import { createSyntaxError } from './syntax-error.ts';

type Repeat = Extract<RegexNode, { kind: 'repeat' }>;

/** Longest run of fixed one-character positions compared when telling alternatives apart. */
const PREFIX_LIMIT = 8;

/**
 * Rejects patterns a backtracking engine could take exponential time on (best effort): an unbounded quantifier
 * over a body that itself repeats without bound (`(a+)+`, star height above 1), over alternatives that can match the
 * same text (`(a|aa)+`, `(\w|\d)+`), or over a body that can split the same text in several ways (`(a?a)+`,
 * `(\d{1,3}\.?)+`).
 */
export function checkExponentialBacktracking(node: RegexNode, shapes: ShapeReader): void {
  if (node.kind === 'repeat' && isUnbounded(node) && shapes.of(node.body).maxLength > 0) checkRepeatedBody(node, shapes);
  for (const child of childrenOf(node)) checkExponentialBacktracking(child, shapes);
}

function checkRepeatedBody(repeat: Repeat, shapes: ShapeReader): void {
  const fail = (detail: string): never => {
    throw createSyntaxError(repeat.position, `unsafe regex: ${detail}, which can take exponential time`);
  };
  if (shapes.of(repeat.body).hasUnbounded) fail(`'${repeat.text}' nests unbounded quantifiers`);
  if (hasOverlappingAlternatives(repeat.body, shapes)) fail(`the alternatives repeated by '${repeat.text}' can match the same text`);
  if (hasAmbiguousSplit(repeat.body, shapes)) fail(`'${repeat.text}' can split the same text in several ways`);
}

/** Whether an alternation inside `node` has two branches that no fixed prefix tells apart. */
export function hasOverlappingAlternatives(node: RegexNode, shapes: ShapeReader): boolean {
  if (node.kind === 'alternation') {
    const prefixes = node.branches.map((branch) => prefixSamples(branch, shapes));
    const clash = prefixes.some((left, index) => prefixes.slice(index + 1).some((right) => !areDistinct(left, right)));
    if (clash) return true;
  }
  return childrenOf(node).some((child) => hasOverlappingAlternatives(child, shapes));
}

function areDistinct(left: readonly CharSample[], right: readonly CharSample[]): boolean {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    if (((left[index] ?? 0n) & (right[index] ?? 0n)) === 0n) return true;
  }
  return false;
}

/** Per-position samples of the characters a branch must start with, as far as they are fixed. */
function prefixSamples(branch: RegexNode, shapes: ShapeReader): CharSample[] {
  const samples: CharSample[] = [];
  const items = flattenSequence(branch);
  for (const [index, item] of items.entries()) {
    if (samples.length >= PREFIX_LIMIT) break;
    if (item.kind === 'assert' || item.kind === 'look') continue;
    if (item.kind === 'char') {
      samples.push(shapes.of(item).first);
      continue;
    }
    const rest = shapes.ofItems(items.slice(index));
    if (!rest.nullable) samples.push(rest.first);
    break;
  }
  return samples;
}

/**
 * Whether a repeated body can match the same text in several ways: one of its variable-count parts (`b?`, `\d{1,3}`)
 * can give characters to, or take them from, what follows it, wrapping round to the body's start for the next pass.
 */
export function hasAmbiguousSplit(body: RegexNode, shapes: ShapeReader): boolean {
  const items = flattenSequence(body);
  return items.some((item, index) => {
    if (item.kind !== 'repeat' || item.min === item.max) return false;
    const following = [...items.slice(index + 1), ...items.slice(0, index + 1)];
    return (shapes.of(item.body).chars & firstOf(following, shapes)) !== 0n;
  });
}

/** Characters the first consuming item of a run can start with, reading past the ones that may be empty. */
function firstOf(items: readonly RegexNode[], shapes: ShapeReader): CharSample {
  let first = 0n;
  for (const item of items) {
    const shape = shapes.of(item);
    first |= shape.first;
    if (!shape.nullable) break;
  }
  return first;
}

/**
 * Estimates the polynomial degree of the worst-case matching time in the subject length: the longest run of
 * unbounded quantifiers that can trade the same characters, plus one for each start position tried when the pattern
 * is not anchored. `.*x` is 2, `\w+\w+$` is 3, `^\d+-\d+$` is 1.
 */
export function estimateBacktrackingDegree(root: RegexNode, shapes: ShapeReader): number {
  const branches = root.kind === 'alternation' ? root.branches : [root];
  return Math.max(
    ...branches.map((branch) => {
      const items = flattenSequence(branch);
      const anchored = items[0]?.kind === 'assert' && items[0].anchorsStart;
      return chainDegree(items, shapes, true) + (anchored ? 0 : 1);
    }),
  );
}

function chainDegree(items: readonly RegexNode[], shapes: ShapeReader, atEnd: boolean): number {
  let best = 0;
  let chain = 0;
  let chainChars = 0n;
  let gap: CharSample[] = [];
  for (const [index, item] of items.entries()) {
    const weight = weightOf(item, shapes);
    const shape = shapes.of(item);
    if (weight === 0) {
      if (!shape.nullable) gap.push(shape.chars);
      continue;
    }
    if (item.kind === 'look') {
      chain += weight;
    } else {
      const shared = chainChars & shape.chars;
      const continues = chain > 0 && shared !== 0n && gap.every((chars) => (chars & shared) !== 0n);
      chain = continues ? chain + weight : weight;
      chainChars = shape.chars;
      gap = [];
    }
    best = Math.max(best, chain - (atEnd && isFreeTail(item, items.slice(index + 1), shapes) ? 1 : 0));
  }
  return best;
}

/** An unbounded quantifier followed only by what always matches never backtracks: `.*` at the very end. */
function isFreeTail(item: RegexNode, rest: readonly RegexNode[], shapes: ShapeReader): boolean {
  return item.kind === 'repeat' && isUnbounded(item) && rest.every((next) => shapes.of(next).nullable && !containsAssertion(next));
}

function weightOf(item: RegexNode, shapes: ShapeReader): number {
  switch (item.kind) {
    case 'char':
    case 'assert':
      return 0;
    case 'group':
      return weightOf(item.body, shapes);
    case 'look':
      return chainDegree(flattenSequence(item.body), shapes, false);
    case 'sequence':
      return chainDegree(flattenSequence(item), shapes, false);
    case 'alternation':
      return Math.max(...item.branches.map((branch) => chainDegree(flattenSequence(branch), shapes, false)));
    case 'repeat':
      return repeatWeight(item, shapes);
  }
}

function repeatWeight(repeat: Repeat, shapes: ShapeReader): number {
  if (shapes.of(repeat.body).maxLength === 0) return 0;
  if (isUnbounded(repeat)) return 1;
  const inner = weightOf(repeat.body, shapes);
  if (inner === 0 || repeat.max <= 1) return inner;
  const ambiguous = hasAmbiguousSplit(repeat.body, shapes) || hasOverlappingAlternatives(repeat.body, shapes);
  return ambiguous ? inner * repeat.max : inner;
}
