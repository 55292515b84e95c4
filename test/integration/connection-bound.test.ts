import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { TenantConfig } from '../../src/config/types.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { MAX_CONNECTIONS_PER_ORIGIN } from '../../src/net/http-fetch.ts';
import { Secret } from '../../src/shared/secret.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, benchTenantId, buildBenchScenario } from '../../bench/scenario.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { agentConfig } from '../helpers/hand-polled-agent.ts';

/** Three times the bound: without it, every tenant's sign-in would open a connection of its own. */
const TENANTS = 3 * MAX_CONNECTIONS_PER_ORIGIN;

/**
 * A TCP gate in front of `target`: counts the connections open at once (and the most ever), and holds each one's
 * bytes until `open()`, so that every request the agent makes meanwhile waits for a connection or opens one.
 */
async function startCountingGate(target: { host: string; port: number }) {
  let current = 0;
  let peak = 0;
  let opened = false;
  const held: (() => void)[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    peak = Math.max(peak, ++current);
    for (const wait of waiting.filter((w) => current >= w.count)) wait.resolve();
    client.once('close', () => {
      current--;
      sockets.delete(client);
    });
    const pipe = () => {
      const upstream = connect(target.port, target.host);
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.once('error', () => upstream.destroy());
      upstream.once('error', () => client.destroy());
    };
    client.pause();
    if (opened) pipe();
    else held.push(pipe);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    peak: () => peak,
    /** Resolves once `count` connections are open at once. */
    reached(count: number): Promise<void> {
      const { promise, resolve } = Promise.withResolvers<void>();
      if (current >= count) resolve();
      else waiting.push({ count, resolve });
      return promise;
    },
    open() {
      opened = true;
      for (const pipe of held.splice(0)) pipe();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test(
  'however many tenants poll at once, the agent holds at most the bound of connections to the origin',
  { timeout: 60_000 },
  async () => {
    const simulator = await startSimulator({
      scenario: buildBenchScenario({ tenants: TENANTS, open: 1, resolved: 0 }),
    });
    const { hostname, port } = new URL(simulator.url);
    const gate = await startCountingGate({ host: hostname, port: Number(port) });
    const receiver = await startOtlpReceiver();
    const tenants: TenantConfig[] = Array.from({ length: TENANTS }, (_, i) => ({
      name: `tenant-${i}`,
      tenantId: benchTenantId(i),
      clientId: BENCH_CLIENT_ID,
      clientSecret: new Secret(BENCH_CLIENT_SECRET),
      cloud: 'global',
      endpoints: { login: gate.url, graph: gate.url },
      // Every first poll within one second (the first polls are spread over one interval at most).
      intervalMs: 1_000,
      timeoutMs: 45_000,
    }));
    const config = agentConfig(receiver, tenants, undefined);
    const telemetry = createTelemetrySdk({
      exporter: config.exporter,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    const started = new Set<string>();
    const ended = new Map<string, boolean>();
    const { promise: allStarted, resolve: onAllStarted } = Promise.withResolvers<void>();
    const { promise: allEnded, resolve: onAllEnded } = Promise.withResolvers<void>();
    const { agent } = await buildAgent(config, {
      telemetry,
      log: SILENT_LOG,
      onPollStart: (tenant) => {
        started.add(tenant.name);
        if (started.size === TENANTS) onAllStarted();
      },
      onPollEnd: (tenant, result) => {
        if (!ended.has(tenant.name)) ended.set(tenant.name, result.ok);
        if (ended.size === TENANTS) onAllEnded();
      },
    });
    try {
      agent.start();
      // Every tenant is signing in while no connection answers: each request waits for one or opens one.
      await Promise.all([allStarted, gate.reached(MAX_CONNECTIONS_PER_ORIGIN)]);
      gate.open();
      await allEnded;
      const failed = [...ended].filter(([, ok]) => !ok).map(([name]) => name);
      assert.deepEqual(failed, [], 'every tenant signed in and read its health through the queue');
      assert.ok(gate.peak() <= MAX_CONNECTIONS_PER_ORIGIN, `at most the bound at once, saw ${gate.peak()}`);
    } finally {
      await agent.stop();
      await telemetry.shutdown(5_000);
      await gate.close();
      await simulator.close();
      await receiver.close();
    }
  },
);
