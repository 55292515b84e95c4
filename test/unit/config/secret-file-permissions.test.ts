import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm365-perm-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const tenant = (secret: string) =>
  `tenants:\n  - { name: a, tenant_id: 11111111-1111-1111-1111-111111111111, client_id: 22222222-2222-2222-2222-222222222222, client_secret: '${secret}' }\n`;

async function warningsOf(name: string, content: string, mode: number): Promise<string[]> {
  const file = join(dir, name);
  await writeFile(file, content);
  await chmod(file, mode);
  const result = await loadConfig(file, { S: 'x' });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.config.warnings.filter((w) => w.includes('literal secret'));
}

test('a literal secret in a file others can read is warned about, naming the file and the fix', async () => {
  const [warning, ...rest] = await warningsOf('open.yaml', tenant('hunter2-literal'), 0o644);
  assert.equal(rest.length, 0);
  assert.equal(
    warning,
    `${join(dir, 'open.yaml')}: holds a literal secret and is readable by group or others (mode 644): chmod 600 it, or reference the secret with \${env:NAME} or \${file:PATH}`,
  );
  assert.ok(!warning.includes('hunter2-literal'));
});

test('no warning for a 0600 file, or for secrets given by reference', async () => {
  assert.deepEqual(await warningsOf('closed.yaml', tenant('hunter2-literal'), 0o600), []);
  assert.deepEqual(await warningsOf('reference.yaml', tenant('${env:S}'), 0o644), []);
});

test('a tenants file is warned about as the config file is, from the content the load read', async () => {
  await mkdir(join(dir, 'tenants.d'), { recursive: true });
  const open = join(dir, 'tenants.d', 'open.yaml');
  await writeFile(open, tenant('hunter2-literal'));
  await chmod(open, 0o644);
  await writeFile(join(dir, 'tenants.d', 'reference.yaml'), tenant('${env:S}').replace('name: a', 'name: b'));
  await chmod(join(dir, 'tenants.d', 'reference.yaml'), 0o644);
  const warnings = await warningsOf('fleet.yaml', 'tenants_from: [tenants.d/*.yaml]\n', 0o644);
  assert.deepEqual(warnings, [
    `${open}: holds a literal secret and is readable by group or others (mode 644): chmod 600 it, or reference the secret with \${env:NAME} or \${file:PATH}`,
  ]);
});
