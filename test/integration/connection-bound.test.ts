import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, createServer as createHttpServer } from 'node:http';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { PollResult } from '../../src/agent/tenant-poller.ts';
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

/**
 * An HTTP front to `target` that answers each request `delayMs` late at the earliest: a login endpoint and Graph
 * that are slow, not down.
 */
async function startSlowFront(target: string, delayMs: number) {
  const server = createHttpServer((incoming, answer) => {
    setTimeout(() => {
      const url = new URL(incoming.url ?? '/', target);
      const upstream = request(url, { method: incoming.method, headers: incoming.headers }, (response) => {
        answer.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(answer);
      });
      upstream.once('error', () => answer.destroy());
      incoming.pipe(upstream);
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()),
  };
}

/** `count` tenants of the bench scenario at `url`, their first polls spread over `intervalMs`. */
function benchTenants(count: number, url: string, intervalMs: number, timeoutMs: number): TenantConfig[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `tenant-${i}`,
    tenantId: benchTenantId(i),
    clientId: BENCH_CLIENT_ID,
    clientSecret: new Secret(BENCH_CLIENT_SECRET),
    cloud: 'global',
    endpoints: { login: url, graph: url },
    intervalMs,
    timeoutMs,
  }));
}

/**
 * An agent of `tenants` exporting to a receiver of its own, started: the outcome of each tenant's first poll
 * (`ended` resolves once every tenant has one), and how late each first poll started.
 */
async function startFleet(tenants: TenantConfig[], maxPollsInFlight?: number) {
  const receiver = await startOtlpReceiver();
  const config = agentConfig(receiver, tenants, undefined);
  const telemetry = createTelemetrySdk({
    exporter: config.exporter,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
  });
  const firsts = new Map<string, PollResult>();
  const lags = new Map<string, number>();
  const { promise: ended, resolve: onEnded } = Promise.withResolvers<void>();
  const { agent } = await buildAgent(config, {
    telemetry,
    log: SILENT_LOG,
    maxPollsInFlight,
    onPollStart: (tenant, plannedAt, startedAt) => {
      if (!lags.has(tenant.name)) lags.set(tenant.name, startedAt - plannedAt);
    },
    onPollEnd: (tenant, result) => {
      if (!firsts.has(tenant.name)) firsts.set(tenant.name, result);
      if (firsts.size === tenants.length) onEnded();
    },
  });
  agent.start();
  return {
    ended,
    /** The tenants whose first poll failed, with the error's code. */
    failed: () => [...firsts].flatMap(([name, result]) => (result.ok ? [] : [`${name}: ${result.error.code}`])),
    lags: () => [...lags.values()],
    async stop() {
      await agent.stop();
      await telemetry.shutdown(5_000);
      await receiver.close();
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
    // Every first poll within one second (the first polls are spread over one interval at most).
    const fleet = await startFleet(benchTenants(TENANTS, gate.url, 1_000, 45_000));
    try {
      // The polls in flight are signing in while no connection answers: each request waits for one or opens one.
      await gate.reached(MAX_CONNECTIONS_PER_ORIGIN);
      gate.open();
      await fleet.ended;
      assert.deepEqual(fleet.failed(), [], 'every tenant signed in and read its health through the queue');
      assert.ok(gate.peak() <= MAX_CONNECTIONS_PER_ORIGIN, `at most the bound at once, saw ${gate.peak()}`);
    } finally {
      await fleet.stop();
      await gate.close();
      await simulator.close();
    }
  },
);

/** How late the slow front answers each request: a poll (a sign-in, then Graph) takes twice that at least. */
const SLOW_MS = 500;
/** The polls' timeout: three polls' worth of waiting for the server, with room for a busy machine. */
const POLL_TIMEOUT_MS = 6 * SLOW_MS;
/**
 * Polls in flight at once: one per connection, so that no request waits in the HTTP client's queue and the time of a
 * poll is the server's (the default bound lets a few wait there, which over HTTP/1.1 would blur the arithmetic).
 */
const SLOW_BOUND = MAX_CONNECTIONS_PER_ORIGIN;
/** Six polls' worth of the bound: the last ones wait five polls for a place, longer than their timeout. */
const SLOW_TENANTS = 6 * SLOW_BOUND;

test(
  'a poll that waits for a place behind the bound does not time out: its timeout starts when it starts',
  { timeout: 60_000 },
  async () => {
    const simulator = await startSimulator({
      scenario: buildBenchScenario({ tenants: SLOW_TENANTS, open: 1, resolved: 0 }),
    });
    const front = await startSlowFront(simulator.url, SLOW_MS);
    // Every first poll due within 200 ms.
    const fleet = await startFleet(benchTenants(SLOW_TENANTS, front.url, 200, POLL_TIMEOUT_MS), SLOW_BOUND);
    try {
      await fleet.ended;
      assert.deepEqual(fleet.failed(), [], 'no first poll failed, none timed out');
      const longest = Math.max(...fleet.lags());
      assert.ok(longest > POLL_TIMEOUT_MS, `some waited longer than a timeout for a place, as lag: ${longest} ms`);
    } finally {
      await fleet.stop();
      await front.close();
      await simulator.close();
    }
  },
);
