import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { STOP_BOUND_MS } from '../../src/cli/io.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

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
async function runToEnd(
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string; ms: number }> {
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
    await writeFile(
      config,
      agentConfig([`server: { listen: 127.0.0.1:${port} }`, `state: { dir: ${join(dir, 'state')} }`]),
    );
    const { code, output, ms } = await runToEnd(['run', '--config', config]);
    assert.equal(code, 2, output);
    assert.deepEqual(lines(output), [
      `m365-health: server.listen: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`,
    ]);
    assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
    assert.deepEqual(await readdir(dir), ['busy.yaml'], 'no state or spool directory was made');
  });

  test('an address not on this host: the same, with its reason', async () => {
    const config = join(dir, 'foreign.yaml');
    await writeFile(config, agentConfig(['server: { listen: 192.0.2.1:13133 }']));
    const { code, output, ms } = await runToEnd(['run', '--config', config]);
    assert.equal(code, 2, output);
    assert.deepEqual(lines(output), [
      "m365-health: server.listen: cannot listen on 192.0.2.1:13133: the address is not one of this host's (EADDRNOTAVAIL)",
    ]);
    assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
  });
});

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Log lines without their timestamp, for exact comparison. */
function logLines(output: string): string[] {
  return lines(output).map((line) => line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''));
}

describe('run --once: telemetry that is not delivered', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-once-'));
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function runOnce(name: string, endpoint: string): Promise<{ code: number | null; output: string; ms: number }> {
    const config = join(dir, `${name}.yaml`);
    await writeFile(config, agentConfig([`exporter: { endpoint: ${endpoint}, interval: 1s, timeout: 1s }`]));
    return runToEnd(['run', '--once', '--config', config]);
  }

  test('an unreachable collector: the endpoint, the signal and the error, exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, output, ms } = await runOnce('unreachable', url);
    assert.equal(code, 1, output);
    assert.equal(
      lines(output).at(-1),
      `m365-health: metrics not delivered to ${url}/v1/metrics: connect ECONNREFUSED ${url.slice(7)}`,
    );
    assert.ok(
      logLines(output).some((line) =>
        line.startsWith(`WARN  metrics export failed url=${url}/v1/metrics reason="connect ECONNREFUSED`),
      ),
      output,
    );
    assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
  });

  test('a collector refusing the metrics as too large (413): said as such, exit 1', async () => {
    receiver.reset();
    receiver.failNext(1000, 413);
    try {
      const { code, output, ms } = await runOnce('too-large', receiver.url);
      assert.equal(code, 1, output);
      assert.equal(
        lines(output).at(-1),
        `m365-health: metrics not delivered to ${receiver.url}/v1/metrics: Payload Too Large (HTTP 413)`,
      );
      const refused = logLines(output).filter((line) =>
        line.startsWith('ERROR collector refused a metrics export as too large (413)'),
      );
      assert.equal(refused.length, 1, output);
      assert.match(refused[0], / status=413 hint="[^"]*raise its limit[^"]*" points=\d+/);
      assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
    } finally {
      receiver.failNext(0, 200);
    }
  });

  test('a collector that takes everything: nothing printed, exit 0', async () => {
    receiver.reset();
    const { code, output } = await runOnce('delivered', receiver.url);
    assert.equal(code, 0, output);
    assert.ok(!output.includes('not delivered') && !output.includes('export failed'), output);
    assert.ok(
      receiver.metrics().some((point) => point.name === 'm365.service.health' || point.name.startsWith('m365.poll')),
      'the gauges arrived',
    );
  });

  test('SIGTERM while a login hangs: the poll is given up, the flush runs, exit 0 within the stop bound', async () => {
    receiver.reset();
    const hanging = createServer();
    const sockets = new Set<Socket>();
    hanging.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const graph = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
    const config = join(dir, 'hanging.yaml');
    await writeFile(
      config,
      agentConfig([`exporter: { endpoint: ${receiver.url}, interval: 1s, timeout: 1s }`])
        .replace(
          'endpoints: { login: http://127.0.0.1:9, graph: http://127.0.0.1:9 }',
          `endpoints: { login: ${graph}, graph: ${graph} }`,
        )
        .replace('timeout: 2s', 'timeout: 60s'),
    );
    const agent = spawnCli(['run', '--once', '--config', config], { CONTOSO_SECRET: 'not-a-real-secret' });
    try {
      await receiver.waitFor(() => sockets.size > 0, 20_000);
      const signalled = performance.now();
      const code = await agent.stop('SIGTERM', STOP_BOUND_MS + 10_000);
      const elapsed = performance.now() - signalled;
      assert.equal(code, 0, agent.output());
      assert.ok(elapsed < STOP_BOUND_MS, `exited ${Math.round(elapsed)} ms after SIGTERM`);
      assert.deepEqual(lines(agent.output()), [], 'nothing undelivered, nothing cut short by the stop bound');
    } finally {
      await agent.stop('SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
