import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';

/** One step into the configuration: a mapping key or a sequence index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Writes a path the way users read it: `tenants[1].client_id`, with keys that are not plain names quoted
 * (`metrics["m365.service.status"].enabled`). The root is the empty string.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** A 1-based position in the YAML source. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** The parsed document and the line index needed to turn a path into a position. */
export interface SourceMap {
  doc: Document;
  lineCounter: LineCounter;
  /** The pairs of the document's mappings by key, filled as paths are located. */
  pairs: PairIndex;
}

type Pair = { key: unknown; value: unknown };

/** Each mapping's pairs by key (the first pair of a key), built on first use: locating stays linear in the path. */
export class PairIndex {
  readonly #byMapping = new WeakMap<YAMLMap, Map<string, Pair>>();

  /** The pair of `mapping` whose key reads `key`. */
  find(mapping: YAMLMap, key: string): Pair | undefined {
    let index = this.#byMapping.get(mapping);
    if (index === undefined) {
      index = new Map();
      for (const pair of mapping.items) {
        const text = keyText(pair.key);
        if (text !== undefined && !index.has(text)) index.set(text, pair);
      }
      this.#byMapping.set(mapping, index);
    }
    return index.get(key);
  }
}

/**
 * Finds where a path points in the YAML source: the value node, or with `key` the key naming the last segment.
 * Stops at the deepest node that exists, so a missing key points at the mapping that should hold it.
 */
export function locatePath(source: SourceMap, segments: readonly PathSegment[], key = false): SourcePosition {
  let node: unknown = source.doc.contents;
  let keyNode: unknown;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(source.doc);
    const next = childOf(source.pairs, node, segment);
    if (next === undefined) break;
    keyNode = next.key;
    node = next.value ?? next.key;
  }
  return positionOf(source, key && keyNode !== undefined ? keyNode : node);
}

function childOf(pairs: PairIndex, node: unknown, segment: PathSegment): Pair | undefined {
  if (isMap(node)) return pairs.find(node, String(segment));
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined || item === null ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

/** The text a mapping key becomes in the loaded object, for scalar keys. */
export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function positionOf(source: SourceMap, node: unknown): SourcePosition {
  const range = (node as Node | null | undefined)?.range;
  const offset = range?.[0] ?? 0;
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}
