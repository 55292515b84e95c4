import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, type Node, Parser, type YAMLError } from 'yaml';
import { MAX_FILE_BYTES } from './files.ts';
import { readPlainYaml } from './plain-yaml.ts';
import {
  isSecretPath,
  keyText,
  type PathSegment,
  type ProblemSink,
  reportProblem,
  type SourceMap,
} from './problems.ts';

/** Most flow collections (`[…]`, `{…}`) nested in one another; deeper input is refused before parsing. */
const MAX_FLOW_DEPTH = 32;
/** Most aliases expanded when loading: bounds "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;
/** Most YAML syntax errors listed; the rest are one cascade. */
const MAX_SYNTAX_ERRORS = 20;

/**
 * Parses YAML text into plain data, and gives `sink` the means to compose its document and line index when a later
 * problem needs to be located. Text in the plain subset of YAML ({@link readPlainYaml}) is read without composing a
 * document, and so without any of the problems below. Returns `{ ok: false }` after reporting when the text is too large, too deeply nested, not valid YAML,
 * has a duplicate key, or expands too many aliases. Never throws.
 */
export function parseYaml(text: string, sink: ProblemSink): { ok: true; value: unknown } | { ok: false } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) {
    reportProblem(sink, [], `file is ${bytes} bytes, larger than the limit of ${MAX_FILE_BYTES} (1 MiB)`);
    return { ok: false };
  }
  const plain = readPlainYaml(text);
  if (plain !== undefined) return locateLater(text, plain, sink);
  const tooDeep = findExcessiveFlowDepth(text);
  if (tooDeep !== undefined) {
    sink.problems.push({ path: '', ...positionInText(text, tooDeep), message: FLOW_DEPTH_MESSAGE, file: sink.file });
    return { ok: false };
  }
  const { secondDocument, ...source } = composeSource(text);
  const { doc } = source;
  sink.source = () => source;
  reportSyntaxErrors(doc.errors, doc.warnings, sink);
  if (secondDocument !== undefined) reportProblem(sink, [], SECOND_DOCUMENT_MESSAGE, { offset: secondDocument });
  walk(doc.contents, [], { anchors: new Map(), open: new Set(), sink });
  if (sink.problems.length > 0) return { ok: false };
  try {
    return locateLater(text, doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), sink);
  } catch (error) {
    reportProblem(sink, [], `invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false };
  }
}

/**
 * `value`, read from `text`, whose document `sink` composes again only if a later check (the schema, duplicate names)
 * has a problem to locate: ten `tenants_from` files of a thousand tenants otherwise held ten documents with every
 * node's position at once, some 200 MB of heap that the process kept long after loading.
 */
function locateLater(text: string, value: unknown, sink: ProblemSink): { ok: true; value: unknown } {
  let source: SourceMap | undefined;
  sink.source = () => (source ??= composeSource(text));
  return { ok: true, value };
}

function reportSyntaxErrors(errors: readonly YAMLError[], warnings: readonly YAMLError[], sink: ProblemSink): void {
  const all = [...errors, ...warnings];
  for (const error of all.slice(0, MAX_SYNTAX_ERRORS)) {
    reportProblem(sink, [], describeYamlError(error.code, error.message), { offset: error.pos[0] });
  }
  if (all.length > MAX_SYNTAX_ERRORS) {
    const last = all[MAX_SYNTAX_ERRORS];
    reportProblem(sink, [], `invalid YAML: ${all.length - MAX_SYNTAX_ERRORS} more errors not shown`, {
      offset: last.pos[0],
    });
  }
}

/** Offset of the first `[` or `{` nested deeper than {@link MAX_FLOW_DEPTH}, found with the linear lexer only. */
function findExcessiveFlowDepth(text: string): number | undefined {
  let openers = 0;
  for (const char of text) if (char === '[' || char === '{') openers++;
  if (openers <= MAX_FLOW_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > MAX_FLOW_DEPTH) return offset;
    } else if (token === ']' || token === '}') depth--;
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
  }
  return undefined;
}

/** Lexer tokens that mark structure without standing for source characters. */
const CONTROL_TOKENS: ReadonlySet<string> = new Set(['\x02', '\x18', '\x1f']);

function positionInText(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const FLOW_DEPTH_MESSAGE = `invalid YAML: flow collections ("[…]", "{…}") nested more than ${MAX_FLOW_DEPTH} levels deep`;

const SECOND_DOCUMENT_MESSAGE =
  'invalid YAML: a second document starts here (after "---"); a file holds one document, so remove this marker ' +
  'and merge what follows into the first';

/**
 * Parses the first YAML document of `text`, and tells where a second one starts: `parseDocument` would drop it
 * without a word, and a user who appended a document would see half of their file ignored.
 */
function composeSource(text: string): SourceMap & { secondDocument?: number } {
  const lineCounter = new LineCounter();
  const composer = new Composer({ uniqueKeys: false, resolveKnownTags: false, logLevel: 'silent' });
  let first: SourceMap['doc'] | undefined;
  for (const doc of composer.compose(new Parser(lineCounter.addNewLine).parse(text), true, text.length)) {
    if (first !== undefined) return { doc: first, lineCounter, pairs: new WeakMap(), secondDocument: doc.range[0] };
    first = doc;
  }
  // compose(…, true) always ends with a document, an empty one for empty text.
  return { doc: first!, lineCounter, pairs: new WeakMap() };
}

/**
 * yaml messages that repeat part of the source, rewritten without it: the source may be a secret written with a
 * character YAML reads as syntax (`client_secret: !abc…` is a tag, `|abc…` a block scalar header).
 */
const REWRITES: readonly [RegExp, string][] = [
  [/^Unresolved tag: .*/s, 'unknown tag; quote a value that starts with "!"'],
  [/^Block scalar header includes extra characters: .*/s, 'unexpected characters after "|" or ">"; quote the value'],
  [/^Invalid escape sequence .*/s, 'invalid escape sequence in a double-quoted string'],
  [/^Plain value cannot start with .*/s, 'a plain value cannot start with this character; quote the value'],
];

/** The message of a yaml parse error or warning, as shown to the user. */
function describeYamlError(code: string, message: string): string {
  if (code === 'RESOURCE_EXHAUSTION') return 'invalid YAML: nested too deeply to parse';
  for (const [pattern, replacement] of REWRITES) if (pattern.test(message)) return `invalid YAML: ${replacement}`;
  return `invalid YAML: ${message}`;
}

/** Message for an alias whose anchor does not exist; the alias name is left out, like the rest of the source. */
const UNKNOWN_ALIAS_MESSAGE = 'invalid YAML: alias to an unknown anchor; quote a value that starts with "*"';

const CYCLE_MESSAGE = 'invalid YAML: alias to a node that contains it (a cycle)';

interface WalkState {
  /** The last node seen with each anchor name. */
  anchors: Map<string, unknown>;
  /** The nodes being walked, from the root to the current one. */
  open: Set<unknown>;
  sink: ProblemSink;
}

/**
 * Reports what the YAML parser lets through but the loader cannot use: duplicate keys, aliases to anchors that do
 * not exist, and aliases to a node that contains them (which would make the data circular). One pass in document
 * order, so an alias is matched with the last anchor of its name before it, as YAML specifies.
 */
function walk(node: unknown, at: PathSegment[], state: WalkState): void {
  if (isAlias(node)) {
    const target = state.anchors.get(node.source);
    const offset = node.range?.[0] ?? 0;
    if (target === undefined) reportProblem(state.sink, at, UNKNOWN_ALIAS_MESSAGE, { offset });
    else if (state.open.has(target)) reportProblem(state.sink, at, CYCLE_MESSAGE, { offset });
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
    if (first === undefined) {
      firstOffsets.set(key, offset);
      continue;
    }
    const shown = isSecretPath(at) ? '' : ` ${JSON.stringify(key)}`;
    const firstLine = state.sink.source?.().lineCounter.linePos(first).line ?? 1;
    reportProblem(state.sink, at, `duplicate key${shown} (first at line ${firstLine})`, { offset });
  }
}
