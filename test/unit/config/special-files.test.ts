import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatProblem, loadConfig } from '../../../src/config/index.ts';
import type { LoadResult } from '../../../src/config/index.ts';

const TENANT = [
  '  - name: contoso',
  '    tenant_id: contoso.onmicrosoft.com',
  '    client_id: 11111111-2222-3333-4444-555555555555',
].join('\n');

/** The problems of a failed load, files named relative to `dir`. */
function problemsOf(result: LoadResult, dir: string): string[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((problem) => formatProblem({ ...problem, file: problem.file.replace(`${dir}/`, '') }));
}

/** Loads `config`, asserting it answers quickly: a FIFO opened for reading would wait for ever for a writer. */
async function loadWithin(config: string, ms = 3_000): Promise<LoadResult> {
  const started = performance.now();
  const result = await loadConfig(config, {});
  assert.ok(performance.now() - started < ms, `took ${Math.round(performance.now() - started)} ms`);
  return result;
}

describe('special files are refused by type, before they are opened', { timeout: 20_000 }, () => {
  let dir: string;
  let socket: Server;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-special-'));
    await mkdir(join(dir, 'tenants.d'));
    execFileSync('mkfifo', [join(dir, 'fifo'), join(dir, 'tenants.d', 'b-fifo.yaml')]);
    socket = createServer();
    await new Promise<void>((resolve) => socket.listen(join(dir, 'socket'), resolve));
  });
  after(async () => {
    await new Promise((resolve) => socket.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('a FIFO given as the config file', async () => {
    assert.deepEqual(problemsOf(await loadWithin(join(dir, 'fifo')), dir), [
      'fifo: cannot read the config file: a FIFO (named pipe), not a regular file',
    ]);
  });

  test('a FIFO, a socket, a device and a /proc file referenced by ${file:}', async () => {
    const secrets = ['fifo', 'socket', '/dev/zero', '/proc/self/status'];
    const tenants = secrets.map(
      (path, i) => `${TENANT.replace('contoso', `t${i}`)}\n    client_secret: \${file:${path}}`,
    );
    await writeFile(join(dir, 'references.yaml'), `tenants:\n${tenants.join('\n')}\n`);
    assert.deepEqual(problemsOf(await loadWithin(join(dir, 'references.yaml')), dir), [
      `references.yaml:5:20: tenants[0].client_secret: cannot read file "${dir}/fifo": a FIFO (named pipe), not a regular file`,
      `references.yaml:9:20: tenants[1].client_secret: cannot read file "${dir}/socket": a socket, not a regular file`,
      'references.yaml:13:20: tenants[2].client_secret: cannot read file "/dev/zero": a character device, not a regular file',
      'references.yaml:17:20: tenants[3].client_secret: cannot read file "/proc/self/status": a /proc pseudo file, not a ' +
        'regular file',
    ]);
  });

  test('a FIFO matched by tenants_from, beside a good tenants file', async () => {
    await writeFile(join(dir, 'tenants.d', 'a.yaml'), `tenants:\n${TENANT}\n    client_secret: s\n`);
    await writeFile(join(dir, 'from.yaml'), "tenants_from: ['tenants.d/*.yaml']\n");
    assert.deepEqual(problemsOf(await loadWithin(join(dir, 'from.yaml')), dir), [
      'tenants.d/b-fifo.yaml: cannot read the tenants file: a FIFO (named pipe), not a regular file',
    ]);
  });
});
