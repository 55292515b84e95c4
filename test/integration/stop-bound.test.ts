import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeAgentConfig, SECRET_VARIABLE } from '../../bench/config-file.ts';
import { BENCH_CLIENT_SECRET, buildBenchScenario } from '../../bench/scenario.ts';
import { STOP_BOUND_MS } from '../../src/cli/io.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { spawnCli } from '../helpers/agent-process.ts';

/**
 * A collector that takes every request and never finishes answering: it sends its headers, then a byte every
 * 200 ms, so that neither the exporters' idle timeouts nor their retries ever end a request.
 */
interface SlowCollector {
  readonly url: string;
  /** Sizes of the request bodies received, by path. */
  readonly bodies: { path: string; bytes: number }[];
  close(): Promise<void>;
}

async function startSlowCollector(): Promise<SlowCollector> {
  const bodies: { path: string; bytes: number }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', bytes });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      const timer = setInterval(() => res.write('\0'), 200);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const TENANTS = 1000;
/**
 * What a loaded machine may add, outside the agent's own stop, between the signal sent here and the exit seen here
 * (the signal's handling waits for the agent's event loop, the exit for this process's): the bound itself is asserted
 * on the agent's own clock, from its "stopping" line to its "stopped" line.
 */
const LOADED_MACHINE_MS = 15_000;

describe('SIGTERM during a heavy export to a collector that never answers', () => {
  let dir: string;
  let simulator: Simulator;
  let collector: SlowCollector;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-stop-'));
    simulator = await startSimulator({ scenario: buildBenchScenario({ tenants: TENANTS, open: 1, resolved: 2 }) });
    collector = await startSlowCollector();
  });
  after(async () => {
    await collector.close();
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  test(`${TENANTS} tenants mid-export: the process exits 0 within the stop bound, saying what was not delivered`, async (t) => {
    const config = await writeAgentConfig({
      dir,
      simulatorUrl: simulator.url,
      receiverUrl: collector.url,
      tenants: TENANTS,
      intervalMs: 5000,
      serviceStatus: true,
    });
    await appendFile(config, `state: { dir: ${join(dir, 'state')} }\n`);
    const agent = spawnCli(['run', '--config', config], { [SECRET_VARIABLE]: BENCH_CLIENT_SECRET });
    try {
      // A request of gauges (hundreds of KB: many tenants' points) held by the collector: an export in flight. On a
      // busy machine the tenants' first polls take a while: this waits for the event, the bound is asserted below.
      await waitUntil(
        () => collector.bodies.some((b) => b.path === '/v1/metrics' && b.bytes > 250_000),
        180_000,
        'a gauge export in flight',
      ).catch((error: Error) => assert.fail(`${error.message}\n${agent.output().slice(-3000)}`));
      const signalled = performance.now();
      // Sent twice, as a supervisor and a wrapper may both send it (stop() sends it again): one request to stop.
      agent.child.kill('SIGTERM');
      const code = await agent.stop('SIGTERM', STOP_BOUND_MS + LOADED_MACHINE_MS);
      const elapsed = performance.now() - signalled;
      t.diagnostic(`exited ${Math.round(elapsed)} ms after SIGTERM`);
      assert.equal(code, 0, `ended by ${agent.child.signalCode ?? 'no signal'}\n${agent.output()}`);
      const lines = agent
        .output()
        .split('\n')
        .map((line) => line.replace(/^\S+ /, ''));
      const at = (text: string) => {
        const line = agent
          .output()
          .split('\n')
          .find((l) => l.endsWith(text));
        assert.ok(line, `the agent said "${text}"\n${agent.output().slice(-3000)}`);
        return Date.parse(line.split(' ')[0]);
      };
      const stopMs = at('INFO  stopped') - at('INFO  stopping signal=SIGTERM');
      t.diagnostic(`stopped ${stopMs} ms after it began to stop`);
      assert.ok(
        stopMs < STOP_BOUND_MS,
        `stopped ${stopMs} ms after it began to stop; the bound is ${STOP_BOUND_MS} ms`,
      );
      assert.ok(lines.includes('INFO  stopping signal=SIGTERM'), agent.output());
      assert.ok(
        lines.some((line) =>
          line.startsWith(`WARN  telemetry not delivered at stop signal=metrics url=${collector.url}/v1/metrics`),
        ),
        agent.output(),
      );
      assert.ok(lines.includes('INFO  stopped'), agent.output());
      assert.ok(
        !(await readdir(join(dir, 'state'))).some((name) => name.startsWith('lock')),
        'the state directory lock is released',
      );
    } finally {
      await agent.stop('SIGKILL');
    }
  });
});
