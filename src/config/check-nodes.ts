import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { isSecretPath, reportAtOffset, type ProblemSink } from './problems.ts';
import { keyText, type PathSegment } from './yaml-source.ts';
import { UNKNOWN_ALIAS_MESSAGE } from './yaml-messages.ts';

const CYCLE_MESSAGE = 'invalid YAML: alias to a node that contains it (a cycle)';

/**
 * Reports what the YAML parser lets through but the loader cannot use: duplicate keys, aliases to anchors that do
 * not exist, and aliases to a node that contains them (which would make the data circular). One pass in document
 * order, so an alias is matched with the last anchor of its name before it, as YAML specifies.
 */
export function checkNodes(root: unknown, sink: ProblemSink): void {
  const state: WalkState = { anchors: new Map(), open: new Set(), sink };
  walk(root, [], state);
}

interface WalkState {
  /** The last node seen with each anchor name. */
  anchors: Map<string, unknown>;
  /** The nodes being walked, from the root to the current one. */
  open: Set<unknown>;
  sink: ProblemSink;
}

function walk(node: unknown, at: PathSegment[], state: WalkState): void {
  if (isAlias(node)) {
    checkAlias(node.source, node.range?.[0] ?? 0, at, state);
    return;
  }
  if (!isMap(node) && !isSeq(node) && !isScalar(node)) return;
  if (node.anchor !== undefined) state.anchors.set(node.anchor, node);
  state.open.add(node);
  if (isSeq(node)) node.items.forEach((item, index) => walk(item, [...at, index], state));
  if (isMap(node)) walkPairs(node.items, at, state);
  state.open.delete(node);
}

function walkPairs(pairs: readonly { key: unknown; value: unknown }[], at: PathSegment[], state: WalkState): void {
  const firstOffsets = new Map<string, number>();
  for (const pair of pairs) {
    walk(pair.key, at, state);
    const key = keyText(pair.key);
    walk(pair.value, [...at, key ?? '?'], state);
    if (key === undefined) continue;
    const offset = (pair.key as Node).range?.[0] ?? 0;
    const first = firstOffsets.get(key);
    if (first === undefined) firstOffsets.set(key, offset);
    else reportAtOffset(state.sink, offset, duplicateKeyMessage(key, at, lineOf(state, first)), at);
  }
}

function checkAlias(source: string, offset: number, at: PathSegment[], state: WalkState): void {
  const target = state.anchors.get(source);
  if (target === undefined) reportAtOffset(state.sink, offset, UNKNOWN_ALIAS_MESSAGE, at);
  else if (state.open.has(target)) reportAtOffset(state.sink, offset, CYCLE_MESSAGE, at);
}

function duplicateKeyMessage(key: string, at: PathSegment[], firstLine: number): string {
  const shown = isSecretPath(at) ? '' : ` ${JSON.stringify(key)}`;
  return `duplicate key${shown} (first at line ${firstLine})`;
}

function lineOf(state: WalkState, offset: number): number {
  return state.sink.source?.lineCounter.linePos(offset).line ?? 1;
}
