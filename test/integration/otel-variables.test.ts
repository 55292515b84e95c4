import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExporterConfig, Temporality } from '../../src/config/types.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

/** A config of one tenant whose Graph and login refuse connections: each poll fails fast, and is reported. */
const CONFIG = [
  'tenants:',
  '  - name: contoso',
  '    tenant_id: 11111111-1111-1111-1111-111111111111',
  '    client_id: 22222222-2222-2222-2222-222222222222',
  '    client_secret: not-a-real-secret',
  '    endpoints: { login: http://127.0.0.1:9, graph: http://127.0.0.1:9 }',
  '    timeout: 2s',
  '',
].join('\n');

/** Runs `run --once` with `config` and `env` to its end: its status and output. */
async function runOnce(config: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const agent = spawnCli(['run', '--once', '--config', config], env);
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), 60_000);
  try {
    return { code: await agent.exited(), output: agent.output() };
  } finally {
    clearTimeout(timer);
  }
}

describe('the agent with OpenTelemetry variables', () => {
  let dir: string;
  let config: string;
  let receiver: OtlpReceiver;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-otel-variables-'));
    config = join(dir, 'agent.yaml');
    await writeFile(config, CONFIG);
    receiver = await startOtlpReceiver({ paths: { '/ingest/otlp-metrics': 'metrics' } });
  });
  after(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: the metrics go to that URL as given', async () => {
    receiver.reset();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/ingest/otlp-metrics`,
    };
    const { code, output } = await runOnce(config, env);
    assert.equal(code, 0, output);
    const paths = new Set(receiver.requests().map((request) => `${request.path} ${request.status}`));
    assert.deepEqual([...paths], ['/ingest/otlp-metrics 200']);
    assert.equal(receiver.latestValue('m365.poll.success', { 'm365.tenant.name': 'contoso' }), 0);
  });

  test('OTEL_SDK_DISABLED=true: nothing is exported, the polls still run, and --once exits 0', async () => {
    receiver.reset();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' };
    const { code, output } = await runOnce(config, env);
    assert.equal(code, 0, output);
    assert.match(output, /OTEL_SDK_DISABLED=true: nothing is exported over OTLP/);
    assert.match(output, /poll failed/);
    assert.deepEqual(receiver.requests(), []);
  });
});

describe('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, per instrument kind', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  /** The temporality a counter and an asynchronous counter are sent with, under `preference`. */
  async function temporalities(preference: Temporality): Promise<string[]> {
    receiver.reset();
    const exporter: ExporterConfig = {
      endpoint: receiver.url,
      protocol: 'http/protobuf',
      headers: {},
      intervalMs: 3_600_000,
      timeoutMs: 2_000,
      compression: 'none',
      temporality: preference,
    };
    const sdk = createTelemetrySdk({ exporter, serviceName: 'm365-health', serviceVersion: 'test', resource: {} });
    sdk.meter.createCounter('m365.test.counter').add(1);
    sdk.meter.createObservableCounter('m365.test.observable').addCallback((result) => result.observe(1));
    await sdk.shutdown(5_000);
    return ['m365.test.counter', 'm365.test.observable'].map(
      (name) => receiver.metrics().find((point) => point.name === name)?.temporality ?? 'none',
    );
  }

  test('cumulative, delta and lowmemory as the specification defines them', async () => {
    assert.deepEqual(await temporalities('cumulative'), ['cumulative', 'cumulative']);
    assert.deepEqual(await temporalities('delta'), ['delta', 'delta']);
    assert.deepEqual(await temporalities('lowmemory'), ['delta', 'cumulative']);
  });
});

describe('service.instance.id across restarts', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-instance-id-'));
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the agent once with `state.dir` set to `stateDir`: the `service.instance.id` its metrics carried. */
  async function instanceIdOfRun(name: string, stateDir: string): Promise<unknown> {
    receiver.reset();
    const config = join(dir, `${name}.yaml`);
    await writeFile(config, `exporter: { endpoint: ${receiver.url} }\nstate: { dir: ${stateDir} }\n${CONFIG}`);
    const { code, output } = await runOnce(config, {});
    assert.equal(code, 0, output);
    const ids = new Set(receiver.metrics().map((point) => point.resource['service.instance.id']));
    assert.equal(ids.size, 1, `one id per run: ${JSON.stringify([...ids])}`);
    return [...ids][0];
  }

  test('two starts with the same state.dir report the same id; with another state.dir, another', async () => {
    const first = await instanceIdOfRun('first', join(dir, 'state-a'));
    assert.match(String(first), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(await instanceIdOfRun('again', join(dir, 'state-a')), first);
    assert.notEqual(await instanceIdOfRun('other', join(dir, 'state-b')), first);
  });
});
