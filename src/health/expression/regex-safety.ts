import type { CharSample } from './regex-charset.ts';
import type { RegexNode } from './regex-node.ts';
import { childrenOf, containsAssertion, flattenSequence, isUnbounded, type ShapeReader } from './regex-shape.ts';
import { createSyntaxError } from './syntax-error.ts';

type Repeat = Extract<RegexNode, { kind: 'repeat' }>;

/** Longest run of fixed one-character positions compared when telling alternatives apart. */
const PREFIX_LIMIT = 8;

/** Most passes a bounded quantifier may make over a body that can match the same text in several ways. */
const MAX_AMBIGUOUS_COUNT = 12;

/**
 * Rejects patterns a backtracking engine could take exponential time on (best effort): an unbounded quantifier
 * over a body that itself repeats without bound (`(a+)+`, star height above 1), over alternatives that can match the
 * same text (`(a|aa)+`, `(\w|\d)+`), or over a body that can split the same text in several ways (`(a?a)+`,
 * `(\d{1,3}\.?)+`); and the last two under a bounded quantifier of more than 12 passes (`(a?){30}`).
 */
export function checkExponentialBacktracking(node: RegexNode, shapes: ShapeReader): void {
  if (node.kind === 'repeat' && shapes.of(node.body).maxLength > 0) {
    if (isUnbounded(node)) checkRepeatedBody(node, shapes, true);
    else if (node.max > MAX_AMBIGUOUS_COUNT) checkRepeatedBody(node, shapes, false);
  }
  for (const child of childrenOf(node)) checkExponentialBacktracking(child, shapes);
}

function checkRepeatedBody(repeat: Repeat, shapes: ShapeReader, unbounded: boolean): void {
  const fail = (detail: string): never => {
    throw createSyntaxError(repeat.position, `unsafe regex: ${detail}, which can take exponential time`);
  };
  if (unbounded && shapes.of(repeat.body).hasUnbounded) fail(`'${repeat.text}' nests unbounded quantifiers`);
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
 * Whether a repeated body can match the same text in several ways: a variable-count part at the end of one of its
 * items (`b?`, `\d{1,3}`, `(x|y+)`) can give characters to, or take them from, what follows it, wrapping round to
 * the body's start for the next pass.
 */
export function hasAmbiguousSplit(body: RegexNode, shapes: ShapeReader): boolean {
  const items = flattenSequence(body);
  return splitsAmbiguously(items, items, shapes);
}

/** Checks each item against what follows it within `items`, then `after`; looks inside alternatives and repeats. */
function splitsAmbiguously(items: readonly RegexNode[], after: readonly RegexNode[], shapes: ShapeReader): boolean {
  return items.some((item, index) => {
    const following = [...items.slice(index + 1), ...after];
    if ((variableTail(item, shapes) & firstOf(following, shapes)) !== 0n) return true;
    const inner = item.kind === 'group' ? item.body : item;
    if (inner.kind === 'alternation') {
      return inner.branches.some((branch) => splitsAmbiguously(flattenSequence(branch), following, shapes));
    }
    if (inner.kind === 'repeat' && inner.max > 1) {
      const body = flattenSequence(inner.body);
      return splitsAmbiguously(body, [...body, ...following], shapes);
    }
    return false;
  });
}

/** Characters a variable-count quantifier at the end of a node may take or leave. */
function variableTail(node: RegexNode, shapes: ShapeReader): CharSample {
  switch (node.kind) {
    case 'repeat':
      return node.min !== node.max ? shapes.of(node.body).chars : variableTail(node.body, shapes);
    case 'group':
      return variableTail(node.body, shapes);
    case 'alternation':
      return node.branches.reduce((tail, branch) => tail | variableTail(branch, shapes), 0n);
    case 'sequence': {
      let tail = 0n;
      for (const item of [...node.items].reverse()) {
        tail |= variableTail(item, shapes);
        if (!shapes.of(item).nullable) break;
      }
      return tail;
    }
    default:
      return 0n;
  }
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

/** An open run of quantifiers: the characters its last one takes, its weight, and what was matched since. */
interface Run {
  readonly chars: CharSample;
  readonly weight: number;
  readonly gaps: readonly CharSample[];
}

const MAX_RUNS = 16;

/**
 * Walks a sequence keeping the open runs: a quantifier extends every run it can trade characters with, and a
 * consuming item closes the runs that cannot absorb what it matches.
 */
function chainDegree(items: readonly RegexNode[], shapes: ShapeReader, atEnd: boolean): number {
  let best = 0;
  let runs: Run[] = [];
  for (const [index, item] of items.entries()) {
    const weight = weightOf(item, shapes);
    const shape = shapes.of(item);
    const chars = item.kind === 'look' ? shapes.universe.all : shape.chars;
    const joined = runs.filter((run) => canTrade(run, chars)).map((run) => run.weight);
    if (!shape.nullable) runs = runs.filter((run) => (run.chars & chars) !== 0n).map((run) => ({ ...run, gaps: [...run.gaps, chars] }));
    if (weight === 0) continue;
    const extended = weight + Math.max(0, ...joined);
    runs = [...runs, { chars, weight: extended, gaps: [] }].sort((a, b) => b.weight - a.weight).slice(0, MAX_RUNS);
    best = Math.max(best, extended - (atEnd && isFreeTail(item, items.slice(index + 1), shapes) ? 1 : 0));
  }
  return best;
}

/** Whether a later quantifier taking `chars` can trade characters with a run, across what was matched between. */
function canTrade(run: Run, chars: CharSample): boolean {
  const shared = run.chars & chars;
  return shared !== 0n && run.gaps.every((gap) => (gap & shared) !== 0n);
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
  if (shapes.of(repeat.body).maxLength === 0) return weightOf(repeat.body, shapes);
  if (isUnbounded(repeat)) return 1;
  const inner = weightOf(repeat.body, shapes);
  if (inner === 0 || repeat.max <= 1) return inner;
  const ambiguous = hasAmbiguousSplit(repeat.body, shapes) || hasOverlappingAlternatives(repeat.body, shapes);
  return ambiguous ? inner * repeat.max : inner;
}
