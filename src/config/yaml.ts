import {
  constructFromEvents,
  defineScalarTag,
  EVENT_ID,
  FAILSAFE_SCHEMA,
  NOT_RESOLVED,
  parseEvents,
  SCALAR_STYLE,
} from 'js-yaml';
import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, type Node, Parser, type YAMLError } from 'yaml';
import { MAX_FILE_BYTES } from './files.ts';
import {
  isSecretPath,
  keyText,
  type PathSegment,
  type ProblemSink,
  reportProblem,
  type SourceMap,
} from './problems.ts';

/**
 * Most flow collections (`[…]`, `{…}`) nested in one another; deeper input is refused before parsing. The plain
 * subset's reader leaves any collections nested deeper to the full parser.
 */
const MAX_FLOW_DEPTH = 32;
/** Most aliases expanded when loading: bounds "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;
/** Most YAML syntax errors listed; the rest are one cascade. */
const MAX_SYNTAX_ERRORS = 20;

/**
 * Parses YAML text into plain data, and gives `sink` the means to compose its document and line index when a later
 * problem needs to be located. Text in the plain subset of YAML ({@link readPlainYaml}) is read without composing a
 * document, and so without any of the problems below. Returns `{ ok: false }` after reporting when the text is too
 * large, too deeply nested, not valid YAML, has a duplicate key, or expands too many aliases. Never throws.
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

/** Characters outside the subset: controls (tab and CR too), line separators, BOM, surrogates, non-characters. */
const OUTSIDE_CHARACTERS = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

/** A line that starts or ends a document (`---`, `...`), even indented: js-yaml and `yaml` differ there. */
const DOCUMENT_MARKER = /^ *(?:---|\.\.\.)/m;

/**
 * Plain scalars that YAML 1.2's core schema reads as null (the empty one too), a boolean or a number
 * (https://yaml.org/spec/1.2.2/#1032-tag-resolution), with the `yaml` package's patterns for them.
 */
const NOT_A_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)?$/;

/** Thrown where the text leaves the subset; caught by {@link readPlainYaml} only. */
class OutsideSubset extends Error {}

/** The failsafe schema (strings, sequences, mappings), giving up on a plain scalar that is not a string. */
const SCHEMA = FAILSAFE_SCHEMA.withTags(
  defineScalarTag('tag:m365-health,2026:not-a-string', {
    implicit: true,
    resolve: (source) => {
      if (NOT_A_STRING.test(source)) throw new OutsideSubset();
      return NOT_RESOLVED;
    },
    identify: () => false,
  }),
);

/**
 * The value of `text` in the plain subset of YAML that configuration and tenants files are mostly written in (block
 * and flow collections, scalars that can only be strings: plain, or quoted without escapes), read by js-yaml's event
 * parser without building a document; the `yaml` package spends about 0.1 ms on a line of a fleet's file and keeps a
 * node with its source range for every value. `undefined` outside the subset (anchors, aliases, tags, block scalars,
 * escapes, numbers, booleans, empty values, duplicate keys, document markers, anything js-yaml refuses, an empty
 * text), where `yaml` reads the file with every check and message it has. What it accepts, it reads as `yaml` does
 * (property tests compare the two). Never throws on input.
 */
export function readPlainYaml(text: string): unknown {
  if (OUTSIDE_CHARACTERS.test(text) || DOCUMENT_MARKER.test(text)) return undefined;
  try {
    const events = parseEvents(text, { maxDepth: MAX_FLOW_DEPTH });
    let documents = 0;
    for (const event of events) {
      if (event.type === EVENT_ID.DOCUMENT) {
        if (++documents > 1 || event.directives.length > 0) return undefined;
      } else if (event.type === EVENT_ID.ALIAS) return undefined;
      else if (event.type !== EVENT_ID.POP && (event.anchorStart !== -1 || event.tagStart !== -1)) return undefined;
      else if (event.type === EVENT_ID.SCALAR && !isPlainString(event, text)) return undefined;
    }
    return constructFromEvents(events, { source: text, schema: SCHEMA })[0];
  } catch {
    // A syntax error, a duplicate key, a scalar that is not a string: `yaml` reads it and says what it is.
    return undefined;
  }
}

/** A plain or quoted scalar without escapes: block scalars and escapes are where js-yaml and `yaml` may differ. */
function isPlainString(event: { style: number; valueStart: number; valueEnd: number }, text: string): boolean {
  if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.PLAIN) return true;
  return event.style === SCALAR_STYLE.DOUBLE_QUOTED && !text.slice(event.valueStart, event.valueEnd).includes('\\');
}
