import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { readPlainYaml } from '../../../src/config/yaml.ts';

/** What the full parser makes of `text`, or `undefined` when it reports an error or a warning. */
function parsedFully(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false });
  return doc.errors.length + doc.warnings.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
}

test('the shapes of a fleet are read without the full parser, as the full parser reads them', () => {
  const texts = [
    'tenants:\n  - { name: customer-00001, tenant_id: 00000000-0000-4000-8000-000000000001 }\n',
    // bench/config-file.ts: a quoted reference and a nested flow mapping of URLs on each line.
    'tenants:\n  - { name: t1, tenant_id: 0f0f0f0f-1111-4222-8333-444444444444, client_id: ' +
      '0f0f0f0f-1111-4222-8333-444444444444, client_secret: "${env:BENCH_CLIENT_SECRET}", ' +
      'endpoints: { login: http://127.0.0.1:8080, graph: http://127.0.0.1:8080 } }\n',
    // As a YAML library writes a list out: block style, comments, blank lines.
    '# customers\ntenants:\n- name: contoso   # the first\n  tenant_id: contoso.onmicrosoft.com\n\n' +
      "  client_secret: '${file:secrets/contoso}'\n  endpoints:\n    graph: https://graph.microsoft.us\n",
    'exporter: { endpoint: http://localhost:4318, interval: 1m }\ndefaults:\n  interval: 5m\n' +
      "  client_id: 0f0f0f0f-1111-4222-8333-444444444444\ntenants_from: [ 'tenants.d/*.yaml' ]\n",
  ];
  for (const text of texts) {
    const value = readPlainYaml(text);
    assert.notEqual(value, undefined, text);
    assert.deepEqual(value, parsedFully(text), text);
  }
});

test('what is outside the subset is left to the full parser', () => {
  const texts = [
    '',
    '# only a comment\n',
    'a: 1\n',
    'a: true\n',
    'a:\n',
    'a: &x b\nc: *x\n',
    'a: !tag b\n',
    'a: |\n  text\n',
    'a: "line\\n"\n',
    'a: b\na: c\n',
    '---\na: b\n',
    'a: b\n---\nc: d\n',
    'a:\tb\n',
    'a: b\r\n',
    'a: b: c\n',
    'tenants:\n  - x\n - y\n',
    `${'['.repeat(40)}${']'.repeat(40)}\n`,
  ];
  for (const text of texts) assert.equal(readPlainYaml(text), undefined, JSON.stringify(text));
});

test('scalars and flow collections over several lines are read as the full parser reads them', () => {
  const texts = [
    'a: b\n  continued\n',
    'a: [b,\n  c]\n',
    'a: { b: c # comment\n  }\n',
    'a: "x\n  y"\n',
    "a: 'x\n\n  y'\n",
    '__proto__: { polluted: yes }\n',
  ];
  for (const text of texts) {
    const value = readPlainYaml(text);
    assert.notEqual(value, undefined, text);
    assert.deepEqual(value, parsedFully(text), text);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

const KEYS = ['name', 'tenant_id', 'a', 'b.c', 'x-y', '1', 'true', 'null', '__proto__', 'a b', '"q"', "'s'", 'k:'];
const SCALARS = [
  'x',
  'contoso',
  '00000000-0000-4000-8000-000000000001',
  '5m',
  'http://127.0.0.1:8080/v1',
  '${env:A}',
  'a b',
  'a  b',
  'a:b',
  'a: b',
  'a:',
  'a #b',
  'a#b',
  '#c',
  '1',
  '-1',
  '+1',
  '1.5',
  '.5',
  '1e3',
  '0x1F',
  '0o17',
  '.inf',
  '-.Inf',
  '.nan',
  'true',
  'False',
  'null',
  '~',
  '',
  "'q''t'",
  "'a",
  '"d q"',
  '"e\\n"',
  '"a',
  '\u00a0x',
  'x\u00a0',
  'é',
  '&a x',
  '*a',
  '!t x',
  '|',
  '>',
  '? x',
  '-',
  '- x',
  ':x',
  '@x',
  '`x',
  '%x',
  'a,b',
  'a]',
  'a}',
  '[a, b]',
  '[a,b]',
  '[ ]',
  '[a, [b, c]]',
  '[a, ]',
  '[a: b]',
  '{ a: b }',
  '{a: b}',
  '{a:b}',
  '{ a: b, c: { d: e } }',
  '{ a: b, a: c }',
  '{ a: }',
  '{}',
  '{ a: b } # c',
  '{ a: b }#c',
  "'x' # c",
  "'x'y",
];

const line = fc.record({
  indent: fc.constantFrom('', ' ', '  ', '   ', '    ', '      '),
  form: fc.constantFrom('pair', 'key', 'entry', 'entry-pair', 'entry-alone', 'scalar', 'comment', 'blank'),
  key: fc.constantFrom(...KEYS),
  value: fc.constantFrom(...SCALARS),
  end: fc.constantFrom('', ' ', ' # note'),
});

function writeLine({ indent, form, key, value, end }: typeof line extends fc.Arbitrary<infer T> ? T : never): string {
  switch (form) {
    case 'pair':
      return `${indent}${key}: ${value}${end}`;
    case 'key':
      return `${indent}${key}:${end}`;
    case 'entry':
      return `${indent}- ${value}${end}`;
    case 'entry-pair':
      return `${indent}- ${key}: ${value}${end}`;
    case 'entry-alone':
      return `${indent}-${end}`;
    case 'scalar':
      return `${indent}${value}`;
    case 'comment':
      return `${indent}#${value}`;
    default:
      return indent;
  }
}

/** A tree of collections, written out in block and flow style with varied indentation. */
type Tree = string | { map: [string, Tree][] } | { seq: Tree[] };

/** Mostly what the subset holds, so that most trees are read, and now and then anything. */
const treeKey = fc.oneof(
  { arbitrary: fc.constantFrom('name', 'tenant_id', 'a', 'b.c', 'x-y'), weight: 8 },
  { arbitrary: fc.constantFrom(...KEYS), weight: 1 },
);
const treeScalar = fc.oneof(
  { arbitrary: fc.constantFrom('x', '5m', 'a b', 'a:b', 'a#b', "'q''t'", '"d q"', 'x\u00a0', '${env:A}'), weight: 20 },
  { arbitrary: fc.constantFrom(...SCALARS), weight: 1 },
);

const tree = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    treeScalar,
    fc.record({ map: fc.array(fc.tuple(treeKey, tie('node')), { maxLength: 3 }) }),
    fc.record({ seq: fc.array(tie('node'), { maxLength: 3 }) }),
  ),
}));

const style = fc.record({ step: fc.integer({ min: 1, max: 4 }), flow: fc.boolean(), sameIndentSeq: fc.boolean() });

function writeFlow(node: Tree): string {
  if (typeof node === 'string') return node;
  if ('seq' in node) return `[${node.seq.map(writeFlow).join(', ')}]`;
  return `{ ${node.map.map(([key, value]) => `${key}: ${writeFlow(value)}`).join(', ')} }`;
}

/** The lines of `node` at `indent`, the first of them led by `lead` (`key:` or `-`) when given. */
function writeBlock(
  node: Tree,
  indent: number,
  options: typeof style extends fc.Arbitrary<infer T> ? T : never,
): string[] {
  const pad = ' '.repeat(indent);
  const empty = typeof node !== 'string' && ('seq' in node ? node.seq : node.map).length === 0;
  if (typeof node === 'string' || options.flow || empty) return [`${pad}${writeFlow(node)}`];
  if ('seq' in node) {
    return node.seq.flatMap((item) => {
      if (typeof item === 'string') return [`${pad}- ${item}`];
      return [`${pad}-`, ...writeBlock(item, indent + options.step, options)];
    });
  }
  return node.map.flatMap(([key, value]) => {
    if (typeof value === 'string') return [`${pad}${key}: ${value}`];
    const nested = 'seq' in value && options.sameIndentSeq ? indent : indent + options.step;
    return [`${pad}${key}:`, ...writeBlock(value, nested, options)];
  });
}

/** Compares the two readers on `text`; true when the subset reader read it. */
function compare(text: string): boolean {
  const value = readPlainYaml(text);
  if (value === undefined) return false;
  assert.deepStrictEqual(value, parsedFully(text), JSON.stringify(text));
  return true;
}

test('whatever it reads, it reads as the full parser does, which finds no error in it', () => {
  let read = 0;
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
      if (compare(`${lines.map(writeLine).join('\n')}\n`)) read++;
    }),
    { numRuns: 5_000 },
  );
  fc.assert(
    fc.property(tree.node, style, (node, options) => {
      if (compare(`${writeBlock(node, 0, options).join('\n')}\n`)) read++;
    }),
    { numRuns: 5_000 },
  );
  // The documents are not all outside the subset: the comparison compared something.
  assert.ok(read > 1000, `${read} documents read`);
});

/** Pieces of YAML's syntax, so that random texts reach the corners where two parsers may disagree. */
const PIECES = [
  ...'abc019 -:,[]{}&*!|>"\'#%@`$?\n\\/.~_=\u00a0',
  '${env:A}',
  'name',
  '\n  ',
  '\n    ',
  '\n- ',
  '\n-',
  ': ',
  '- ',
  ' #',
  '\\n',
  '...',
  '---',
];

test('whatever random text of YAML syntax it reads, it reads as the full parser does', () => {
  let read = 0;
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
      if (compare(pieces.join(''))) read++;
    }),
    { numRuns: 5_000 },
  );
  assert.ok(read > 250, `${read} texts read`);
});
