/**
 * The plain subset of YAML that configuration and tenants files are mostly written in, read without building a YAML
 * document: block mappings and sequences, one-line flow collections (`- { name: a, tenant_id: b }`), and scalars that
 * can only be strings (plain, or quoted without escapes). The full parser spends about 0.1 ms on such a line and keeps
 * a node with its source range for every value; this takes a microsecond or two and keeps only the values. Outside
 * the subset (anchors, tags, block or multi-line scalars, escapes, numbers, booleans, empty values, duplicate keys,
 * anything YAML refuses) it gives up, and the full parser reads the file, with every check and message it has. What
 * it accepts, it reads as the full parser does (a property test compares the two).
 */

/** Most collections nested in one another; deeper ones are left to the full parser, which bounds and reports them. */
const MAX_DEPTH = 32;

/** Characters outside the subset: controls (tab and CR too), line separators, BOM, surrogates, non-characters. */
const OUTSIDE_CHARACTERS = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

/**
 * Plain scalars that YAML 1.2's core schema reads as null, a boolean or a number (https://yaml.org/spec/1.2.2/#1032-tag-resolution),
 * with the `yaml` package's patterns for them (its `schema/core` tags).
 */
const NOT_A_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/** Characters that cannot start a plain scalar (some can, followed by a non-space: left to the full parser). */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@` ']);
const FLOW_INDICATORS = new Set([...',[]{}']);

/** A block mapping's `key:` with the rest of the line; keys are plain names (`tenant_id`, `m365.service.status`). */
const BLOCK_KEY = /^([A-Za-z0-9_][\w./-]*):(?: +(.*))?$/;
const FLOW_KEY = /([A-Za-z0-9_][\w./-]*): +/y;

/** The parsed value of `text`, or `undefined` when the text is outside the subset (or empty). Never throws on input. */
export function readPlainYaml(text: string): unknown {
  if (OUTSIDE_CHARACTERS.test(text)) return undefined;
  const lines = significantLines(text);
  if (lines === undefined || lines.length === 0) return undefined;
  const cursor: Cursor = { lines, next: 0, depth: 0 };
  try {
    const value = readBlock(cursor, lines[0].indent);
    return cursor.next === lines.length ? value : undefined;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

/** Thrown where the text leaves the subset; caught by {@link readPlainYaml} only. */
class OutsideSubset extends Error {}

function giveUp(): never {
  throw new OutsideSubset();
}

/** A line with content: its indentation in spaces, and its text without them or trailing spaces. */
type Line = { indent: number; text: string };
type Cursor = { lines: Line[]; next: number; depth: number };

/** The lines that are neither blank nor only a comment; `undefined` at a document marker or directive. */
function significantLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const indent = countSpaces(raw, 0);
    const text = trimSpaces(raw).slice(indent);
    if (text === '' || text.startsWith('#')) continue;
    if (indent === 0 && (text.startsWith('---') || text.startsWith('...') || text.startsWith('%'))) return undefined;
    lines.push({ indent, text });
  }
  return lines;
}

/** Spaces at `from`. YAML's white space is spaces (tabs are outside the subset), not JavaScript's `trim`'s. */
function countSpaces(text: string, from: number): number {
  let end = from;
  while (text[end] === ' ') end++;
  return end - from;
}

/** Without trailing spaces; JavaScript's `trimEnd` would also take the no-break spaces that YAML keeps. */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ' ') end--;
  return text.slice(0, end);
}

const isEntry = (text: string): boolean => text === '-' || text.startsWith('- ');

/** The block collection or the value whose first line is the next one, indented at least `minIndent`. */
function readBlock(cursor: Cursor, minIndent: number): unknown {
  const line = cursor.lines[cursor.next];
  // No nested line: an empty value, which YAML reads as null.
  if (line === undefined || line.indent < minIndent || ++cursor.depth > MAX_DEPTH) giveUp();
  let value: unknown;
  if (isEntry(line.text)) value = readSequence(cursor, line.indent);
  else if (BLOCK_KEY.test(line.text)) value = readMapping(cursor, line.indent);
  else {
    cursor.next++;
    value = readInline(line.text, cursor.depth);
    // A line more indented than the collection that holds this value would continue it (a multi-line scalar).
    if ((cursor.lines[cursor.next]?.indent ?? -1) >= minIndent) giveUp();
  }
  cursor.depth--;
  return value;
}

function readSequence(cursor: Cursor, indent: number): unknown[] {
  const items: unknown[] = [];
  let line = cursor.lines[cursor.next];
  while (line?.indent === indent && isEntry(line.text)) {
    const rest = line.text.slice(1 + countSpaces(line.text, 1));
    if (rest === '') {
      cursor.next++;
      items.push(readBlock(cursor, indent + 1));
    } else if (BLOCK_KEY.test(rest)) {
      // `- key: value`: a mapping whose keys line up with this first one.
      const column = indent + line.text.length - rest.length;
      cursor.lines[cursor.next] = { indent: column, text: rest };
      items.push(readBlock(cursor, column));
    } else {
      cursor.next++;
      items.push(readInline(rest, cursor.depth));
    }
    line = cursor.lines[cursor.next];
  }
  if (line !== undefined && line.indent > indent) giveUp();
  return items;
}

function readMapping(cursor: Cursor, indent: number): Record<string, unknown> {
  const mapping: Record<string, unknown> = {};
  let line = cursor.lines[cursor.next];
  while (line?.indent === indent && !isEntry(line.text)) {
    const [, key = '', rest] = BLOCK_KEY.exec(line.text) ?? giveUp();
    addKey(mapping, key);
    cursor.next++;
    if (rest === undefined) {
      // A sequence may be indented as much as its key.
      const next = cursor.lines[cursor.next];
      mapping[key] = readBlock(cursor, next?.indent === indent && isEntry(next.text) ? indent : indent + 1);
    } else {
      mapping[key] = readInline(rest, cursor.depth);
    }
    line = cursor.lines[cursor.next];
  }
  if (line !== undefined && line.indent > indent) giveUp();
  return mapping;
}

/** Claims `key` in `mapping`: a key written twice, one that is not a string, or `__proto__` is the full parser's. */
function addKey(mapping: Record<string, unknown>, key: string): void {
  if (Object.hasOwn(mapping, key) || key === '__proto__' || NOT_A_STRING.test(key)) giveUp();
}

/** A value written on the line of its key or entry: a flow collection, a quoted or a plain scalar. */
function readInline(text: string, depth: number): unknown {
  const first = text[0];
  if (first === '{' || first === '[' || first === '"' || first === "'") {
    const scan = { text, at: 0 };
    const value = readFlowValue(scan, depth);
    const after = text.slice(scan.at);
    // Only a comment may follow, and it needs a space before its `#`.
    if (after !== '' && !/^ +#/.test(after)) giveUp();
    return value;
  }
  const comment = text.indexOf(' #');
  const plain = comment === -1 ? text : trimSpaces(text.slice(0, comment));
  if (INDICATORS.has(first) || plain.includes(': ') || plain.endsWith(':')) giveUp();
  return plainString(plain);
}

function plainString(text: string): string {
  if (NOT_A_STRING.test(text)) giveUp();
  return text;
}

/** A position in one line of flow content. */
type Scan = { text: string; at: number };

function readFlowValue(scan: Scan, depth: number): unknown {
  const first = scan.text[scan.at];
  if (first === '{' || first === '[') return readFlowCollection(scan, depth + 1);
  if (first === "'") return readSingleQuoted(scan);
  if (first === '"') return readDoubleQuoted(scan);
  if (first === undefined || INDICATORS.has(first)) giveUp();
  const start = scan.at;
  let end = start;
  for (; end < scan.text.length; end++) {
    const char = scan.text[end];
    if (FLOW_INDICATORS.has(char)) break;
    if (char === ':' && (end + 1 === scan.text.length || /[ ,[\]{}]/.test(scan.text[end + 1]))) break;
    // A comment inside a flow collection: the collection goes on on the next line.
    if (char === '#' && scan.text[end - 1] === ' ') giveUp();
  }
  scan.at = end;
  return plainString(trimSpaces(scan.text.slice(start, end)));
}

function readFlowCollection(scan: Scan, depth: number): unknown {
  if (depth > MAX_DEPTH) giveUp();
  const mapping = scan.text[scan.at] === '{';
  const close = mapping ? '}' : ']';
  const items: unknown[] = [];
  const entries: Record<string, unknown> = {};
  scan.at++;
  skipSpaces(scan);
  if (scan.text[scan.at] === close) {
    scan.at++;
    return mapping ? entries : items;
  }
  for (;;) {
    if (mapping) {
      FLOW_KEY.lastIndex = scan.at;
      const [whole, key = ''] = FLOW_KEY.exec(scan.text) ?? giveUp();
      addKey(entries, key);
      scan.at += whole.length;
      entries[key] = readFlowValue(scan, depth);
    } else {
      items.push(readFlowValue(scan, depth));
    }
    skipSpaces(scan);
    const separator = scan.text[scan.at++];
    if (separator === close) return mapping ? entries : items;
    if (separator !== ',') giveUp();
    skipSpaces(scan);
  }
}

function skipSpaces(scan: Scan): void {
  scan.at += countSpaces(scan.text, scan.at);
}

/** `'…'`, where `''` stands for one quote. */
function readSingleQuoted(scan: Scan): string {
  let value = '';
  let from = scan.at + 1;
  for (;;) {
    const quote = scan.text.indexOf("'", from);
    if (quote === -1) giveUp();
    value += scan.text.slice(from, quote);
    if (scan.text[quote + 1] !== "'") {
      scan.at = quote + 1;
      return value;
    }
    value += "'";
    from = quote + 2;
  }
}

/** `"…"` without escapes (a backslash is left to the full parser). */
function readDoubleQuoted(scan: Scan): string {
  const quote = scan.text.indexOf('"', scan.at + 1);
  if (quote === -1) giveUp();
  const value = scan.text.slice(scan.at + 1, quote);
  if (value.includes('\\')) giveUp();
  scan.at = quote + 1;
  return value;
}
