import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { ConfigProblem } from './types.ts';

/**
 * Collects the problems and warnings of one load. Every check reports here instead of stopping, so the user sees
 * every problem at once.
 */
export interface ProblemSink {
  readonly file: string;
  readonly problems: ConfigProblem[];
  readonly warnings: ConfigProblem[];
  /** The parsed source, once there is one (composed on demand); without it problems carry no line. */
  source: (() => SourceMap) | undefined;
  /**
   * Paths whose value could not be expanded (`${env:…}` unset, file unreadable): what was left there is not the
   * user's value, so later problems about it are not reported.
   */
  readonly unexpanded: Set<string>;
  /** Problems past {@link MAX_PROBLEMS}, counted but not kept. */
  omitted: number;
  /** Sends problems about values that come from another file to that file's sink (tenants from `tenants_from`). */
  router?: ProblemRouter;
}

/** Where a problem about a merged value belongs: the file it was written in, and its path there. */
export interface ProblemRouter {
  /** The sink and path of the value at `segments`, when it comes from another file; else `undefined`. */
  route(segments: readonly PathSegment[]): { sink: ProblemSink; segments: readonly PathSegment[] } | undefined;
  /** How messages name a file (relative to the config file's directory). */
  nameOf(file: string): string;
}

/** Most problems kept for one file; a hostile file can otherwise produce one per key. */
export const MAX_PROBLEMS = 100;

/** Where a problem is: a path in the file, optionally at the key rather than the value, or not in the file at all. */
export interface ProblemPlace {
  /** Point at this key of the mapping at the path, rather than at the mapping (unknown or misnamed keys). */
  atKey?: string;
  /** The problem comes from outside the file (an environment variable): no line. */
  outsideFile?: boolean;
  /** A known offset of the source text (YAML syntax errors, duplicate keys), rather than the place of the path. */
  offset?: number;
}

export function createProblemSink(file: string): ProblemSink {
  return { file, problems: [], warnings: [], source: undefined, unexpanded: new Set(), omitted: 0 };
}

/** Records a problem at `segments`, or at the secret value that contains them (whose keys are not shown). */
export function reportProblem(
  sink: ProblemSink,
  segments: readonly PathSegment[],
  message: string,
  place: ProblemPlace = {},
): void {
  const routed = sink.router?.route(segments);
  if (routed !== undefined) return reportProblem(routed.sink, routed.segments, message, place);
  if (sink.unexpanded.has(formatPath(segments)) || isFull(sink)) return;
  sink.problems.push(makeProblem(sink, segments, message, place));
}

/** Records a problem expanding the value at `segments`, and stops reporting anything else about that value. */
export function reportUnexpanded(sink: ProblemSink, segments: readonly PathSegment[], message: string): void {
  if (!isFull(sink)) sink.problems.push(makeProblem(sink, segments, message, {}));
  sink.unexpanded.add(formatPath(segments));
}

function isFull(sink: ProblemSink): boolean {
  if (sink.problems.length < MAX_PROBLEMS) return false;
  sink.omitted++;
  return true;
}

/** Records a warning at `segments`: the configuration still loads. */
export function reportWarning(
  sink: ProblemSink,
  segments: readonly PathSegment[],
  message: string,
  place: ProblemPlace = {},
): void {
  const routed = sink.router?.route(segments);
  if (routed !== undefined) return reportWarning(routed.sink, routed.segments, message, place);
  sink.warnings.push(makeProblem(sink, segments, message, place));
}

function makeProblem(
  sink: ProblemSink,
  fullPath: readonly PathSegment[],
  message: string,
  place: ProblemPlace,
): ConfigProblem {
  const segments = secretPrefix(fullPath) ?? fullPath;
  const source = place.outsideFile === true ? undefined : sink.source?.();
  let position: SourcePosition | undefined;
  if (source === undefined) position = undefined;
  else if (place.offset !== undefined) position = positionOf(source, place.offset);
  else if (place.atKey === undefined) position = locatePath(source, segments);
  else position = locatePath(source, [...segments, place.atKey], true);
  return { path: formatPath(segments), line: position?.line, column: position?.column, message, file: sink.file };
}

/** The problems in file order, followed by a count of those left out, if any. */
export function listProblems(sink: ProblemSink): ConfigProblem[] {
  const sorted = sortProblems(sink.problems);
  if (sink.omitted === 0) return sorted;
  const message = `${sink.omitted} more problems not shown; fix the ones above first`;
  return [...sorted, { path: '', line: undefined, column: undefined, message, file: sink.file }];
}

/** Orders problems by position in the file (a stable sort); problems without a line come last. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const line = (p: ConfigProblem): number => p.line ?? Number.MAX_SAFE_INTEGER;
  return problems.toSorted((a, b) => line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * Names the entry at `segments` in a message about the value at `from`, with the line of its `within` part:
 * `tenants[0] (line 7)` when both are in one file, `tenants[0] (tenants.d/acme.yaml:3)` when the entry comes from
 * another file.
 */
export function describePlace(
  sink: ProblemSink,
  segments: readonly PathSegment[],
  from: readonly PathSegment[],
  within: readonly PathSegment[] = [],
): string {
  const target = sink.router?.route(segments) ?? { sink, segments };
  const origin = sink.router?.route(from)?.sink ?? sink;
  const path = formatPath(target.segments);
  const source = target.sink.source?.();
  if (source === undefined) return path;
  const { line } = locatePath(source, [...target.segments, ...within]);
  if (target.sink === origin) return `${path} (line ${line})`;
  return `${path} (${sink.router?.nameOf(target.sink.file) ?? target.sink.file}:${line})`;
}

/**
 * Formats a problem as `FILE:LINE:COLUMN: PATH: MESSAGE`, the way compilers do, so editors can jump to it. The path
 * is left out for problems at the root, the line and column for problems outside the file (environment variables).
 */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

const MAX_QUOTED = 80;
const REDACTED = '[redacted]';

/** Keys whose values are credentials, wherever they appear: never quoted in a message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['client_secret']);

/**
 * The part of `segments` that names a value which may hold a credential (a secret key, or any exporter header,
 * as those carry API keys), or `undefined` when the path is not in one. Anything inside such a value, even its
 * keys, is not shown.
 */
function secretPrefix(segments: readonly PathSegment[]): readonly PathSegment[] | undefined {
  if (segments.length >= 3 && segments[0] === 'exporter' && segments[1] === 'headers') return segments.slice(0, 3);
  const index = segments.findIndex((segment) => typeof segment === 'string' && SECRET_KEYS.has(segment));
  return index === -1 ? undefined : segments.slice(0, index + 1);
}

export function isSecretPath(segments: readonly PathSegment[]): boolean {
  return secretPrefix(segments) !== undefined;
}

/** Quotes a value for a message (`"mars"`, `42`), shortened when long, or `[redacted]` at a secret path. */
export function quoteValue(value: unknown, segments: readonly PathSegment[] = []): string {
  if (isSecretPath(segments)) return REDACTED;
  if (typeof value !== 'string') return String(value);
  const quoted = JSON.stringify(value);
  return quoted.length <= MAX_QUOTED ? quoted : `${quoted.slice(0, MAX_QUOTED - 2)}…"`;
}

/** Names the YAML type of a loaded value: `mapping`, `sequence`, `string`, `number`, `boolean` or `null`. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'sequence';
  if (value instanceof Date) return 'timestamp';
  if (typeof value === 'object') return isPlainObject(value) ? 'mapping' : 'tagged value';
  return typeof value;
}

/** A mapping as loaded from YAML (not a Date, Buffer, Map or other tagged value). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

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
  /**
   * Each mapping's pairs by key (the first pair of a key), built as paths are located: locating stays linear in the
   * path.
   */
  pairs: WeakMap<YAMLMap, Map<string, Pair>>;
}

type Pair = { key: unknown; value: unknown };

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
  const found = key && keyNode !== undefined ? keyNode : node;
  return positionOf(source, (found as Node | null | undefined)?.range?.[0] ?? 0);
}

function childOf(pairs: SourceMap['pairs'], node: unknown, segment: PathSegment): Pair | undefined {
  if (isMap(node)) {
    let index = pairs.get(node);
    if (index === undefined) {
      index = new Map();
      for (const pair of node.items) {
        const text = keyText(pair.key);
        if (text !== undefined && !index.has(text)) index.set(text, pair);
      }
      pairs.set(node, index);
    }
    return index.get(String(segment));
  }
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

function positionOf(source: SourceMap, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}
