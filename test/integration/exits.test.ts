import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/agent-process.ts';

/** A config of one tenant whose login endpoint refuses connections (a poll fails fast), plus `extra` lines. */
function agentConfig(extra: readonly string[]): string {
  return [
    ...extra,
    'tenants:',
    '  - name: contoso',
    '    tenant_id: 11111111-1111-1111-1111-111111111111',
    '    client_id: 22222222-2222-2222-2222-222222222222',
    '    client_secret: ${env:CONTOSO_SECRET}',
    '    endpoints: { login: http://127.0.0.1:9, graph: http://127.0.0.1:9 }',
    '    timeout: 2s',
  ].join('\n');
}

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

/** Runs the CLI to its end; resolves with its status, its output and how long it took. */
async function runToEnd(args: readonly string[], timeoutMs = 30_000): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  const agent = spawnCli(args, { CONTOSO_SECRET: 'not-a-real-secret' });
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), timeoutMs);
  try {
    const code = await agent.exited();
    return { code, output: agent.output(), ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe('run: an address the status endpoint cannot listen on', () => {
  let dir: string;
  let blocker: Server;
  let port: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-exits-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('a port in use: one line naming the address, exit 2, nothing held', async () => {
    const config = join(dir, 'busy.yaml');
    await writeFile(config, agentConfig([`server: { listen: 127.0.0.1:${port} }`, `state: { dir: ${join(dir, 'state')} }`]));
    const { code, output, ms } = await runToEnd(['run', '--config', config]);
    assert.equal(code, 2, output);
    assert.deepEqual(lines(output), [`m365-health: server.listen: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`]);
    assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
    assert.deepEqual(await readdir(dir), ['busy.yaml'], 'no state or spool directory was made');
  });

  test('an address not on this host: the same, with its reason', async () => {
    const config = join(dir, 'foreign.yaml');
    await writeFile(config, agentConfig(['server: { listen: 192.0.2.1:13133 }']));
    const { code, output, ms } = await runToEnd(['run', '--config', config]);
    assert.equal(code, 2, output);
    assert.deepEqual(lines(output), ["m365-health: server.listen: cannot listen on 192.0.2.1:13133: the address is not one of this host's (EADDRNOTAVAIL)"]);
    assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
  });
});
