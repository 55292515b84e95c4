import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatProblem, loadConfig, parseConfig } from '../../../src/config/index.ts';
import type { LoadResult } from '../../../src/config/index.ts';
import { createFileLister, MAX_TENANT_FILES } from '../../../src/config/tenant-files.ts';
import { configOf } from './fixture-support.ts';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const ENV = { SECRET: 'not-a-real-secret' };

/** A tenant entry of a `tenants:` list, as written in a file (4 lines). */
function tenantEntry(name: string, extra = ''): string {
  return [
    `  - name: ${name}`,
    `    tenant_id: ${name}.onmicrosoft.com`,
    `    client_id: ${CLIENT_ID}`,
    '    client_secret: ${env:SECRET}',
    ...(extra === '' ? [] : [extra]),
  ].join('\n');
}

function tenantsFile(...entries: string[]): string {
  return `tenants:\n${entries.join('\n')}\n`;
}

/** The problems of a failed load, with files named relative to `dir`. */
function problemsOf(result: LoadResult, dir: string): string[] {
  if (result.ok) throw new Error(`expected problems, got tenants ${result.config.tenants.map((t) => t.name).join()}`);
  return result.problems.map((problem) => formatProblem({ ...problem, file: problem.file.replace(`${dir}/`, '') }));
}

describe('tenants_from', () => {
  let root: string;
  let count = 0;
  /** A fresh directory holding `files` (relative path → content); returns the path of its `config.yaml`. */
  async function layout(files: Record<string, string>): Promise<{ dir: string; config: string }> {
    const dir = join(root, `case-${count++}`);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return { dir, config: join(dir, 'config.yaml') };
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'm365-tenants-from-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test("merges the files, in path order, after the config file's own tenants", async () => {
    const { dir, config } = await layout({
      'config.yaml': `tenants_from: ['tenants.d/*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
      'tenants.d/b-fabrikam.yaml': tenantsFile(tenantEntry('fabrikam'), tenantEntry('fabrikam-lab')),
      'tenants.d/a-northwind.yaml': tenantsFile(tenantEntry('northwind', '    interval: 30s')),
      'tenants.d/.hidden.yaml': 'not: read',
      'tenants.d/notes.txt': 'not: read',
    });
    const result = await loadConfig(config, ENV);
    const loaded = configOf(result);
    assert.deepEqual(
      loaded.tenants.map((t) => t.name),
      ['contoso', 'northwind', 'fabrikam', 'fabrikam-lab'],
    );
    assert.equal(loaded.tenants[2].clientSecret?.reveal(), 'not-a-real-secret', '${env:} expands in tenants files');
    assert.deepEqual(
      loaded.warnings.map((w) => w.replace(`${dir}/`, '')),
      [
        'tenants.d/a-northwind.yaml:6:15: tenants[0].interval: poll interval 30s is under 1m: service health changes ' +
          'over minutes, and frequent polls count against Microsoft Graph throttling limits',
      ],
    );
    assert.deepEqual(result.sources, {
      files: [config, join(dir, 'tenants.d/a-northwind.yaml'), join(dir, 'tenants.d/b-fabrikam.yaml')],
      directories: [
        { path: dir, recursive: false, patterns: [config, join(dir, '..data')] },
        { path: join(dir, 'tenants.d'), recursive: false, patterns: [join(dir, 'tenants.d/*.yaml')] },
      ],
    });
  });

  test('the config file may leave "tenants" out; ${file:} paths start from its directory', async () => {
    const { config } = await layout({
      'config.yaml': "tenants_from: ['customers/**/*.yaml']\n",
      'customers/eu/contoso.yaml': tenantsFile(
        tenantEntry('contoso').replace('${env:SECRET}', '${file:secrets/contoso}'),
      ),
      'secrets/contoso': 'from-a-file\n',
    });
    const result = await loadConfig(config, {});
    assert.equal(configOf(result).tenants[0].clientSecret?.reveal(), 'from-a-file');
    const customers = join(dirname(config), 'customers');
    assert.deepEqual(result.sources?.directories[1], {
      path: customers,
      recursive: true,
      patterns: [`${customers}/**/*.yaml`],
    });
  });

  test('problems in a tenants file are reported in that file, at the line and path written there', async () => {
    const { dir, config } = await layout({
      'config.yaml': `tenants_from: ['tenants.d/*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
      'tenants.d/acme.yaml': tenantsFile(
        tenantEntry('acme'),
        tenantEntry('acme-lab', '    colour: blue')
          .replace(CLIENT_ID, 'my-app')
          .replace('${env:SECRET}', '${env:ACME_SECRET}'),
      ),
      'tenants.d/broken.yaml': 'tenants:\n  - name: "broken\n',
    });
    const problems = problemsOf(await loadConfig(config, ENV), dir).map((line) =>
      line.replace(/; allowed keys: .*/, ''),
    );
    assert.deepEqual(problems, [
      'tenants.d/acme.yaml:8:16: tenants[1].client_id: "my-app" is not a GUID (the application (client) ID of the app ' +
        'registration)',
      'tenants.d/acme.yaml:9:20: tenants[1].client_secret: environment variable ACME_SECRET is not set',
      'tenants.d/acme.yaml:10:5: tenants[1]: unknown key "colour" (did you mean "cloud"?)',
      'tenants.d/broken.yaml:3:1: invalid YAML: Missing closing "quote',
    ]);
  });

  test('a duplicate name is an error naming both places, across files and within one', async () => {
    const { dir, config } = await layout({
      'config.yaml': `tenants_from: ['tenants.d/*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
      'tenants.d/a.yaml': tenantsFile(tenantEntry('fabrikam'), tenantEntry('contoso')),
      'tenants.d/b.yaml': tenantsFile(tenantEntry('fabrikam'), tenantEntry('northwind'), tenantEntry('northwind')),
    });
    assert.deepEqual(problemsOf(await loadConfig(config, ENV), dir), [
      'tenants.d/a.yaml:6:11: tenants[1].name: duplicate tenant name "contoso": tenants[0] (config.yaml:3) has it ' +
        'too; names must be unique',
      'tenants.d/b.yaml:2:11: tenants[0].name: duplicate tenant name "fabrikam": tenants[0] (tenants.d/a.yaml:2) has ' +
        'it too; names must be unique',
      'tenants.d/b.yaml:10:11: tenants[2].name: duplicate tenant name "northwind": tenants[1] (line 6) has it too; ' +
        'names must be unique',
    ]);
  });

  test('a tenants file is a mapping with a non-empty "tenants" list, and nothing else', async () => {
    const { dir, config } = await layout({
      'config.yaml': `tenants_from: ['t/*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
      't/bare-list.yaml': `${tenantEntry('acme')}\n`,
      't/empty.yaml': '# nobody yet\n',
      't/empty-list.yaml': 'tenants: []\n',
      't/extra-key.yaml': `defaults:\n  interval: 1m\n${tenantsFile(tenantEntry('acme'))}`,
      't/no-tenants.yaml': 'tenant:\n  - name: acme\n',
    });
    assert.deepEqual(problemsOf(await loadConfig(config, ENV), dir), [
      't/bare-list.yaml:1:3: a tenants file must be a mapping with a "tenants" list, like the config file, not a bare ' +
        'sequence; write "tenants:" above the list',
      't/empty-list.yaml:1:10: tenants: at least one tenant is required',
      't/empty.yaml:1:1: the file is empty: a tenants file needs a "tenants" list',
      't/extra-key.yaml:1:1: unknown key "defaults"; allowed keys: tenants',
      't/no-tenants.yaml:1:1: missing required key "tenants"',
      't/no-tenants.yaml:1:1: unknown key "tenant" (did you mean "tenants"?); allowed keys: tenants',
    ]);
  });

  test('a tenants file that is one unset reference, or holds a second document, is refused at its line', async () => {
    const { dir, config } = await layout({
      'config.yaml': `tenants_from: ['t/*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
      't/a-reference.yaml': '${env:NOPE}\n',
      't/b-two-documents.yaml': `${tenantsFile(tenantEntry('acme'))}---\n${tenantsFile(tenantEntry('acme-lab'))}`,
    });
    assert.deepEqual(problemsOf(await loadConfig(config, ENV), dir), [
      't/a-reference.yaml:1:1: environment variable NOPE is not set',
      't/b-two-documents.yaml:6:1: invalid YAML: a second document starts here (after "---"); a file holds one ' +
        'document, so remove this marker and merge what follows into the first',
    ]);
  });

  test('a pattern matching no file is a warning, not an error', async () => {
    const { config } = await layout({
      'config.yaml': `tenants_from: ['tenants.d/*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
    });
    const loaded = configOf(await loadConfig(config, ENV));
    assert.deepEqual(
      loaded.tenants.map((t) => t.name),
      ['contoso'],
    );
    assert.deepEqual(loaded.warnings, [`${config}:1:16: tenants_from[0]: "tenants.d/*.yaml" matches no file`]);
  });

  test('at least one tenant overall is required', async () => {
    const { dir, config } = await layout({ 'config.yaml': "tenants_from: ['tenants.d/*.yaml']\ntenants: []\n" });
    assert.deepEqual(problemsOf(await loadConfig(config, ENV), dir), [
      'config.yaml:1:15: tenants_from: no tenant: "tenants" is empty and no file matches these patterns',
    ]);
    const without = await layout({ 'config.yaml': 'exporter:\n  endpoint: http://localhost:4318\n' });
    assert.deepEqual(problemsOf(await loadConfig(without.config, ENV), without.dir), [
      'config.yaml:1:1: missing required key "tenants"',
    ]);
  });

  test('a walk past its budget of directory entries is cut short and refused, and no file is read', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`deep/${i}/t.yaml`, tenantsFile(tenantEntry(`t${i}`))]),
    );
    const { dir, config } = await layout({ 'config.yaml': "tenants_from: ['**/*.yaml', 'deep/0/*.yaml']\n", ...files });
    assert.deepEqual(problemsOf(await loadConfig(config, ENV, { listFiles: createFileLister(20) }), dir), [
      'config.yaml:1:16: tenants_from[0]: "**/*.yaml" cannot be matched: the patterns look at more than 20 directory ' +
        'entries (the limit); start each pattern at the directory that holds the tenants files',
      'config.yaml:1:29: tenants_from[1]: "deep/0/*.yaml" cannot be matched: the patterns look at more than 20 directory ' +
        'entries (the limit); start each pattern at the directory that holds the tenants files',
    ]);
  });

  test('the config file itself is never read as a tenants file', async () => {
    const { config } = await layout({
      'config.yaml': `tenants_from: ['*.yaml']\n${tenantsFile(tenantEntry('contoso'))}`,
      'acme.yaml': tenantsFile(tenantEntry('acme')),
    });
    assert.deepEqual(
      configOf(await loadConfig(config, ENV)).tenants.map((t) => t.name),
      ['contoso', 'acme'],
    );
  });
});

describe('tenants_from bounds', () => {
  const CONFIG = '/etc/m365-health/config.yaml';
  const files = (count: number) =>
    Array.from({ length: count }, (_, i) => `/etc/m365-health/t/${String(i).padStart(5, '0')}.yaml`);

  function parseWith(patterns: string, listFiles: (pattern: string) => string[], readFile: (path: string) => string) {
    return parseConfig(`tenants_from: ${patterns}\n`, CONFIG, ENV, readFile, { listFiles });
  }

  test(`more than ${MAX_TENANT_FILES} files are refused before any is read`, () => {
    let reads = 0;
    const result = parseWith(
      "['t/*.yaml']",
      () => files(MAX_TENANT_FILES + 1),
      () => String(++reads),
    );
    assert.deepEqual(problemsOf(result, '/etc/m365-health'), [
      'config.yaml:1:15: tenants_from: the patterns match more than 10000 files (the limit); split the tenants among ' +
        'fewer files',
    ]);
    assert.equal(reads, 0);
  });

  test('more than 100 patterns are refused', () => {
    const patterns = `[${Array.from({ length: 101 }, (_, i) => `'p${i}/*.yaml'`).join(', ')}]`;
    const result = parseWith(
      patterns,
      () => assert.fail('no pattern is matched'),
      () => '',
    );
    assert.deepEqual(problemsOf(result, '/etc/m365-health'), [
      'config.yaml:1:15: tenants_from: has 101 patterns, more than the limit of 100',
    ]);
  });

  test('patterns that would expand or match for minutes are refused at their line, before any expansion', () => {
    const patterns = [
      '{a,b}'.repeat(20),
      't/{1..1000}.yaml',
      't/*a*a*a*b.yaml',
      't/+(a|aa).yaml',
      `t/${'x'.repeat(4097)}`,
    ];
    const started = performance.now();
    const result = parseWith(
      `\n${patterns.map((p) => `  - '${p}'`).join('\n')}`,
      () => assert.fail('no pattern is matched'),
      () => '',
    );
    assert.ok(performance.now() - started < 1_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(problemsOf(result, '/etc/m365-health'), [
      `config.yaml:2:5: tenants_from[0]: "${'{a,b}'.repeat(15)}{a…" expands to more than 100 patterns (the limit; ` +
        'brace groups multiply: {a,b}{c,d} is 4); use fewer brace groups, or list the patterns',
      'config.yaml:3:5: tenants_from[1]: "t/{1..1000}.yaml" expands to more than 100 patterns (the limit; brace groups ' +
        'multiply: {a,b}{c,d} is 4); use fewer brace groups, or list the patterns',
      'config.yaml:4:5: tenants_from[2]: "t/*a*a*a*b.yaml" has 4 "*" wildcards between two slashes, more than the limit of 3',
      'config.yaml:5:5: tenants_from[3]: "t/+(a|aa).yaml" uses the extended glob "+(…)", which is not supported; write ' +
        '{a,b} or several patterns instead',
      `config.yaml:6:5: tenants_from[4]: "t/${'x'.repeat(75)}…" is 4099 characters long, more than the limit of 4096`,
    ]);
  });

  test('brace groups and ranges up to 100 patterns are matched', () => {
    const listed: string[] = [];
    const result = parseWith(
      "['t/{eu,us}/{a..e}{1..10}.yaml']",
      (pattern) => (listed.push(pattern), []),
      () => '',
    );
    assert.equal(listed.length, 1);
    assert.match(problemsOf(result, '/etc/m365-health')[0], /no file matches these patterns/);
  });

  test('a tenants file over 1 MiB is refused, naming it', () => {
    const big = `${tenantsFile(tenantEntry('acme'))}#${'x'.repeat(1024 * 1024)}`;
    const result = parseWith(
      "['t/*.yaml']",
      () => files(1),
      () => big,
    );
    assert.deepEqual(
      problemsOf(result, '/etc/m365-health').map((p) => p.replace(/\d+ bytes/, 'N bytes')),
      ['t/00000.yaml: file is N bytes, larger than the limit of 1048576 (1 MiB)'],
    );
  });

  test('problems from many tenants files are cut at 100, saying how many more there are', () => {
    const result = parseWith(
      "['t/*.yaml']",
      () => files(150),
      () => 'tenants: 1\n',
    );
    const problems = problemsOf(result, '/etc/m365-health');
    assert.equal(problems.length, 101);
    assert.equal(problems[0], 't/00000.yaml:1:10: tenants: must be a sequence, not a number');
    assert.equal(problems[100], 'config.yaml: 50 more problems in tenants files not shown; fix the ones above first');
  });

  test('thousands of tenants files load in seconds', () => {
    const many = files(2_000);
    const started = performance.now();
    const result = parseWith(
      "['t/*.yaml']",
      () => many,
      (path) => tenantsFile(tenantEntry(`t${path.slice(-10, -5)}`)),
    );
    const elapsed = performance.now() - started;
    assert.equal(configOf(result).tenants.length, 2_000);
    assert.ok(elapsed < 5_000, `took ${Math.round(elapsed)} ms`);
  });
});
