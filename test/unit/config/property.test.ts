import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatProblem, parseConfig, SchemaValidators } from '../../../src/config/index.ts';
import type { LoadResult } from '../../../src/config/index.ts';

const ENV = { CONTOSO_CLIENT_SECRET: 'x', OTEL_EXPORTER_OTLP_TIMEOUT: '5000' };
const MARKER = 'Zq8~SECRET-MARKER';

function noFiles(path: string): string {
  throw Object.assign(new Error(path), { code: 'ENOENT' });
}

/** Shared by every run, as the agent shares one between reloads: the schema is compiled once. */
const validators = new SchemaValidators();

function parse(text: string): LoadResult {
  return parseConfig(text, 'p.yaml', ENV, noFiles, { validators });
}

/** A result is either a frozen config or a non-empty, frozen list of well-formed problems. */
function assertWellFormed(result: LoadResult): void {
  assert.ok(Object.isFrozen(result));
  if (result.ok) {
    assert.ok(Object.isFrozen(result.config) && result.config.tenants.length > 0);
    return;
  }
  assert.ok(result.problems.length > 0);
  for (const problem of result.problems) {
    assert.equal(problem.file, 'p.yaml');
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.line === undefined || (Number.isInteger(problem.line) && problem.line >= 1));
    assert.ok(problem.column === undefined || (Number.isInteger(problem.column) && problem.column >= 1));
    assert.equal(typeof formatProblem(problem), 'string');
  }
}

const YAML_CHARACTERS = [...'abc019 -:,[]{}&*!|>"\'#%@`$?\n\t\\/.~_=', '${env:A}', '${file:x}', 'tenants', 'name'];

const yamlish = fc.array(fc.constantFrom(...YAML_CHARACTERS), { maxLength: 120 }).map((parts) => parts.join(''));

const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double());
const value = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 3 }),
);

const TENANT_KEYS = [
  'name',
  'tenant_id',
  'client_id',
  'client_secret',
  'cloud',
  'endpoints',
  'interval',
  'timeout',
  'x',
];
const tenant: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...TENANT_KEYS), value, {
  maxKeys: 9,
});
const configShaped = fc.record(
  {
    exporter: fc.oneof(value, fc.dictionary(fc.constantFrom('endpoint', 'headers', 'interval', 'timeout', 'y'), value)),
    defaults: fc.oneof(value, fc.dictionary(fc.constantFrom('interval', 'timeout', 'cloud'), value)),
    state: value,
    resource: value,
    metrics: fc.oneof(value, fc.dictionary(fc.string({ maxLength: 20 }), value)),
    tenants: fc.oneof(value, fc.array(fc.oneof(tenant, value), { maxLength: 4 })),
  },
  { requiredKeys: [] },
);

const secretShaped: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(MARKER),
  fc.constant(`\${${MARKER}}`),
  fc.constant(`abc\${env:${MARKER}`),
  fc.constant(`\${file:}${MARKER}\${x}`),
  fc.constant(42),
  fc.tuple(fc.constant(MARKER), value).map(([m, v]) => [m, v]),
  value.map((v) => ({ [MARKER]: v, other: MARKER })),
);

describe('the loader never throws', () => {
  test('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => assertWellFormed(parse(text))),
      {
        numRuns: 300,
      },
    );
  });

  test('on YAML-looking text', () => {
    fc.assert(
      fc.property(yamlish, (text) => assertWellFormed(parse(text))),
      { numRuns: 500 },
    );
  });

  test('on arbitrary JSON-like values written as YAML', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (data) => assertWellFormed(parse(stringify(data)))),
      { numRuns: 300 },
    );
  });

  test('on values shaped like a config, with wrong types anywhere', () => {
    fc.assert(
      fc.property(configShaped, (data) => assertWellFormed(parse(stringify(data)))),
      { numRuns: 500 },
    );
  });
});

describe('secrets stay out of messages', () => {
  test('whatever is written as a client secret or a header value', () => {
    fc.assert(
      fc.property(secretShaped, secretShaped, tenant, (secret, header, extra) => {
        const data = {
          exporter: { headers: { 'api-key': header } },
          tenants: [{ ...extra, client_secret: secret }],
        };
        const result = parse(stringify(data));
        const texts = result.ok ? result.config.warnings : result.problems.map(formatProblem);
        for (const text of texts) assert.ok(!text.includes(MARKER), text);
      }),
      {
        numRuns: 300,
        examples: [
          [`abc\${env:${MARKER}`, { [MARKER]: { '': '${' }, other: MARKER }, {}],
          [[`\${${MARKER}}`], { a: MARKER }, { cloud: 'mars' }],
        ],
      },
    );
  });

  test('when the secret is read as YAML syntax', () => {
    const tenantWith = (secret: string): string =>
      `tenants:\n  - name: a\n    tenant_id: a.example.com\n    client_id: 11111111-2222-3333-4444-555555555555\n` +
      `    client_secret: ${secret}\n`;
    for (const secret of [
      `!${MARKER}`,
      `*${MARKER}`,
      `|${MARKER}`,
      `>${MARKER}`,
      `"\\q${MARKER}"`,
      `@${MARKER}`,
      `&${MARKER}`,
      `%${MARKER}`,
      `\`${MARKER}`,
      `"${MARKER}`,
      `[${MARKER}`,
      `{${MARKER}`,
      `${MARKER}: x`,
    ]) {
      const result = parse(tenantWith(secret));
      assert.equal(result.ok, false, secret);
      for (const problem of result.ok ? [] : result.problems) {
        assert.ok(!problem.message.includes(MARKER.slice(4)), `${secret} → ${problem.message}`);
      }
    }
  });
});
