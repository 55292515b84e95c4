import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config } from '../../src/config/types.ts';
import { ObservationStore } from '../../src/observation/observation-store.ts';
import { startStatusServer, type StatusServer } from '../../src/server/http-server.ts';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { routeDiagnostics } from '../../src/telemetry/diag-route.ts';
import { registerExportMetrics } from '../../src/telemetry/export-metrics.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { createCaptureLog, createTempDir } from '../helpers/capture-log.ts';
import { contosoConfig } from '../helpers/hand-polled-agent.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);
const API_KEY = 'nr-license-0123456789abcdef0123456789abcdef';
const BEARER = 'collector-token-fedcba9876543210';
const MINUTE = 60_000;

/**
 * An agent, wired as `run` wires it (telemetry with its export metrics, diag routed to the log, the status endpoint
 * reading the exports' state), polled and flushed by hand: each flush is one metrics export. The exports' clock is
 * driven by the test, so "a minute later" and "failing for three intervals" need no waiting.
 */
async function startAgent(config: Config) {
  let now = Date.now();
  const clock = () => now;
  const log = createCaptureLog();
  const secrets = Object.values(config.exporter.headers);
  const unroute = routeDiagnostics({ log, clock, periodMs: MINUTE, secrets });
  const telemetry = createTelemetrySdk({
    exporter: config.exporter,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
    log,
    clock,
  });
  registerExportMetrics(
    telemetry.meter,
    () => telemetry.exports.tallies(),
    () => true,
  );
  const observations = new ObservationStore();
  const { agent, saved } = await buildAgent(config, { telemetry, log, observations });
  const server: StatusServer = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    observations: () => observations.observations(),
    exports: () => telemetry.exports.statuses(),
    clock,
  });
  await agent.pollAll();
  return {
    log,
    advance: (ms: number) => (now += ms),
    flush: () => telemetry.forceFlush(),
    async readyz() {
      const response = await fetch(`${server.url}/readyz`);
      return { status: response.status, body: await response.text() };
    },
    async metricsExports() {
      const document = (await (await fetch(`${server.url}/status`)).json()) as {
        exports: Record<string, Record<string, unknown>>;
      };
      return document.exports['metrics'];
    },
    /** The log's lines about the metrics export, as `LEVEL message`. */
    exportLines: () =>
      log.lines.filter((l) => l.message.startsWith('metrics export')).map((l) => `${l.level} ${l.message}`),
    async stop() {
      await server.close();
      await telemetry.shutdown(5_000);
      await saved();
      unroute();
    },
  };
}

describe('export health: an agent whose collector refuses its exports', () => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  const state = createTempDir();
  before(async () => {
    simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver.close();
    await simulator.close();
    state.remove();
  });

  test('a wrong API key (403): one error per failing period, counted, shown, not ready, then recovered', async () => {
    const base = contosoConfig(simulator, receiver, state.dir);
    const config = {
      ...base,
      exporter: { ...base.exporter, headers: { 'api-key': API_KEY, authorization: `Bearer ${BEARER}` } },
    };
    const agent = await startAgent(config);
    try {
      receiver.failNext(1000, 403, {}, `{"error":"invalid api-key ${API_KEY}"}`);
      for (let i = 0; i < 3; i++) await agent.flush();
      assert.deepEqual(agent.exportLines(), ['error metrics export refused'], 'one line for the first minute');
      const first = agent.log.lines.find((l) => l.message === 'metrics export refused')!;
      assert.equal(first.fields['url'], `${receiver.url}/v1/metrics`);
      assert.equal(first.fields['status'], 403);
      assert.match(String(first.fields['hint']), /API key or Authorization header/);
      const failing = await agent.metricsExports();
      assert.equal(failing['consecutiveFailures'], 3);
      assert.deepEqual(failing['lastFailure'], { reason: 'Forbidden', status: 403, errorType: '403' });
      assert.equal(failing['lastSuccessAt'], null);
      assert.equal(typeof failing['failingSince'], 'string');
      assert.equal((await agent.readyz()).status, 200, 'three failures in a minute are not yet an outage');

      agent.advance(MINUTE);
      await agent.flush();
      assert.deepEqual(agent.exportLines(), ['error metrics export refused', 'error metrics export still refused']);
      agent.advance(2 * MINUTE);
      await agent.flush();
      const unready = await agent.readyz();
      assert.equal(unready.status, 503);
      assert.match(
        unready.body,
        /^metrics export to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics failing since .+: HTTP 403\n$/,
      );
      assert.equal(agent.exportLines().length, 3, 'a reminder per minute of the fake clock, no more');

      receiver.failNext(0, 200);
      await agent.flush();
      assert.deepEqual(agent.exportLines().at(-1), 'info metrics export recovered');
      assert.equal((await agent.readyz()).status, 200);
      const recovered = await agent.metricsExports();
      assert.equal(recovered['consecutiveFailures'], 0);
      assert.equal(recovered['failing'], false);
      assert.equal(typeof recovered['lastSuccessAt'], 'string');
      assert.equal(typeof recovered['lastFailureAt'], 'string', 'the last failure is kept');

      await agent.flush();
      const refused = { 'error.type': '403', 'otel.component.type': 'otlp_http_metric_exporter' };
      assert.equal(receiver.latestValue('m365.export.requests', refused), 5, 'five refused requests');
      assert.ok((receiver.latestValue('otel.sdk.exporter.metric_data_point.exported', refused) ?? 0) > 0);
      const sent = receiver.latest('m365.export.requests').find((p) => p.attributes['error.type'] === undefined);
      assert.ok((sent?.value ?? 0) >= 1, 'the recovering export, counted by the next one');
      assert.equal(sent?.attributes['otel.component.name'], 'otlp_http_metric_exporter/0');

      const everything = JSON.stringify(agent.log.lines);
      assert.ok(everything.includes('[redacted]'), 'the collector echoed the key, which was scrubbed');
      assert.ok(!everything.includes(API_KEY) && !everything.includes(BEARER), everything);
    } finally {
      await agent.stop();
    }
  });

  test('a collector that is down (closed port): the same story, with the network error', async () => {
    const port = await reservePort();
    const base = contosoConfig(simulator, receiver, state.dir);
    // Under the exporter's first backoff (800 ms at least): a refused connection fails the export at once.
    const exporter = { ...base.exporter, endpoint: `http://127.0.0.1:${port}`, timeoutMs: 750 };
    const agent = await startAgent({ ...base, exporter });
    let collector: OtlpReceiver | undefined;
    try {
      await agent.flush();
      await agent.flush();
      assert.deepEqual(agent.exportLines(), ['warn metrics export failed']);
      const first = agent.log.lines.find((l) => l.message === 'metrics export failed')!;
      assert.equal(first.fields['error'], 'ECONNREFUSED');
      assert.match(String(first.fields['hint']), /is the collector running/);
      assert.deepEqual((await agent.metricsExports())['lastFailure'], {
        reason: `connect ECONNREFUSED 127.0.0.1:${port}`,
        status: null,
        errorType: 'ECONNREFUSED',
      });
      agent.advance(3 * MINUTE);
      await agent.flush();
      const unready = await agent.readyz();
      assert.equal(unready.status, 503);
      assert.match(unready.body, /failing since .+: ECONNREFUSED\n$/);

      collector = await startOtlpReceiver({ port });
      await agent.flush();
      assert.equal(agent.exportLines().at(-1), 'info metrics export recovered');
      assert.equal((await agent.readyz()).status, 200);
      await agent.flush();
      const refused = { 'error.type': 'ECONNREFUSED', 'otel.component.type': 'otlp_http_metric_exporter' };
      assert.equal(collector.latestValue('m365.export.requests', refused), 3);
    } finally {
      await agent.stop();
      await collector?.close();
    }
  });
});

/** A loopback port that nothing listens on (until the test listens there itself). */
async function reservePort(): Promise<number> {
  const probe = await startOtlpReceiver();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  return port;
}
