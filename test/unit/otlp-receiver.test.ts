import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeverityNumber, ValueType } from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { OtlpReceiver } from '../helpers/otlp-receiver.ts';

const resource = resourceFromAttributes({ 'service.name': 'm365-health-test', 'deployment.environment.name': 'ci' });

const variants = [
  { format: 'protobuf', contentType: 'application/x-protobuf', gzip: false },
  { format: 'protobuf', contentType: 'application/x-protobuf', gzip: true },
  { format: 'json', contentType: 'application/json', gzip: false },
  { format: 'json', contentType: 'application/json', gzip: true },
] as const;

type Variant = (typeof variants)[number];

function exporterOptions(receiver: OtlpReceiver, path: string, variant: Variant) {
  const compression = variant.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  return { url: `${receiver.url}${path}`, compression, timeoutMillis: 3000 };
}

function createMetricExporter(receiver: OtlpReceiver, variant: Variant, delta = false): PushMetricExporter {
  const temporalityPreference = delta
    ? AggregationTemporalityPreference.DELTA
    : AggregationTemporalityPreference.CUMULATIVE;
  const options = { ...exporterOptions(receiver, '/v1/metrics', variant), temporalityPreference };
  return variant.format === 'json' ? new JsonMetricExporter(options) : new ProtoMetricExporter(options);
}

/** Records one gauge state set, a counter and a histogram, then pushes them through `exporter`. */
async function exportSampleMetrics(exporter: PushMetricExporter): Promise<MeterProvider> {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('m365-health.test', '1.2.3');
  meter.createObservableGauge('m365.service.status', { unit: '1', description: 'State set' }).addCallback((result) => {
    result.observe(1, { 'm365.service': 'Exchange', 'm365.service.state': 'serviceDegradation' });
    result.observe(0, { 'm365.service': 'Exchange', 'm365.service.state': 'serviceOperational' });
  });
  const counter = meter.createCounter('m365.poll.count', { unit: '{poll}' });
  counter.add(3, { 'm365.tenant': 'contoso', 'm365.poll.ok': true });
  counter.add(2, { 'm365.tenant': 'contoso', 'm365.poll.ok': true });
  meter
    .createUpDownCounter('m365.issue.open', { unit: '{issue}', valueType: ValueType.INT })
    .add(-2, { 'm365.tenant': 'contoso' });
  const histogram = meter.createHistogram('m365.poll.duration', { unit: 's' });
  histogram.record(0.25);
  histogram.record(0.75);
  await provider.forceFlush();
  return provider;
}

function createLogExporter(receiver: OtlpReceiver, variant: Variant) {
  const options = exporterOptions(receiver, '/v1/logs', variant);
  return variant.format === 'json' ? new JsonLogExporter(options) : new ProtoLogExporter(options);
}

describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  beforeEach(() => {
    receiver.reset();
    receiver.setDown(false);
  });
  after(() => receiver.close());

  for (const variant of variants) {
    const label = `${variant.format}${variant.gzip ? ' + gzip' : ''}`;

    test(`decodes metrics sent by the OTel SDK exporter (${label})`, async () => {
      const provider = await exportSampleMetrics(createMetricExporter(receiver, variant));
      await provider.shutdown();
      const [first] = receiver.requests();
      assert.deepEqual(first, { ...first, path: '/v1/metrics', contentType: variant.contentType, status: 200 });
      assert.equal(first?.encoding, variant.gzip ? 'gzip' : '');
      const degraded = receiver.latest('m365.service.status', { 'm365.service.state': 'serviceDegradation' });
      assert.equal(degraded.length, 1);
      assert.deepEqual(
        { ...degraded[0], timeUnixNano: 0n },
        {
          name: 'm365.service.status',
          unit: '1',
          description: 'State set',
          type: 'gauge',
          value: 1,
          attributes: { 'm365.service': 'Exchange', 'm365.service.state': 'serviceDegradation' },
          resource: resource.attributes,
          scope: 'm365-health.test',
          timeUnixNano: 0n,
          request: 1,
        },
      );
      assert.ok(degraded[0].timeUnixNano > 1_600_000_000_000_000_000n);
      assert.equal(receiver.latest('m365.service.status', { 'm365.service': 'Exchange' }).length, 2);
      const polls = receiver.latest('m365.poll.count', { 'm365.tenant': 'contoso' });
      assert.deepEqual(
        polls.map((p) => [p.type, p.temporality, p.monotonic, p.value, p.attributes]),
        [['sum', 'cumulative', true, 5, { 'm365.tenant': 'contoso', 'm365.poll.ok': true }]],
      );
      const [open] = receiver.latest('m365.issue.open');
      assert.deepEqual([open?.type, open?.monotonic, open?.value], ['sum', false, -2]);
      const [duration] = receiver.latest('m365.poll.duration');
      assert.deepEqual([duration?.type, duration?.count, duration?.sum, duration?.value], ['histogram', 2, 1, 2]);
      assert.equal(receiver.metrics().filter((p) => p.request === 0).length, 5);
    });

    test(`decodes log records sent by the OTel SDK exporter (${label})`, async () => {
      const provider = new LoggerProvider({
        resource,
        processors: [new BatchLogRecordProcessor({ exporter: createLogExporter(receiver, variant) })],
      });
      const logger = provider.getLogger('m365-health.events');
      logger.emit({
        eventName: 'm365.issue.opened',
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: 'Exchange degraded',
        attributes: { 'm365.issue.id': 'EX123', count: 3, ratio: 0.5, active: false, tags: ['a', 'b'] },
      });
      logger.emit({ severityNumber: SeverityNumber.INFO, body: { issue: 'EX124', nested: { level: 2 } } });
      await provider.forceFlush();
      await provider.shutdown();
      const [opened, plain] = receiver.logs();
      assert.equal(receiver.logs().length, 2);
      assert.deepEqual(
        { ...opened, timeUnixNano: 0n, observedTimeUnixNano: 0n },
        {
          eventName: 'm365.issue.opened',
          severityNumber: 13,
          severityText: 'WARN',
          body: 'Exchange degraded',
          attributes: { 'm365.issue.id': 'EX123', count: 3, ratio: 0.5, active: false, tags: ['a', 'b'] },
          resource: resource.attributes,
          scope: 'm365-health.events',
          timeUnixNano: 0n,
          observedTimeUnixNano: 0n,
          request: 0,
        },
      );
      assert.ok(opened.timeUnixNano > 1_600_000_000_000_000_000n);
      assert.deepEqual(
        [plain?.eventName, plain?.severityNumber, plain?.body],
        ['', 9, { issue: 'EX124', nested: { level: 2 } }],
      );
      assert.deepEqual(
        receiver.requests().map((r) => [r.path, r.contentType, r.encoding]),
        [['/v1/logs', variant.contentType, variant.gzip ? 'gzip' : '']],
      );
    });
  }

  test('reports delta temporality when the exporter prefers it', async () => {
    const provider = await exportSampleMetrics(createMetricExporter(receiver, variants[0], true));
    await provider.shutdown();
    assert.equal(receiver.latest('m365.poll.count')[0]?.temporality, 'delta');
  });

  test('failNext answers 503 with Retry-After, the exporter retries and the data arrives afterwards', async () => {
    // A Retry-After date in the past means "retry now" without the SDK's negative-timeout warning.
    receiver.failNext(2, 503, { 'retry-after': new Date(0).toUTCString() });
    const provider = await exportSampleMetrics(createMetricExporter(receiver, variants[0]));
    assert.deepEqual(
      receiver.requests().map((r) => r.status),
      [503, 503, 200],
    );
    assert.deepEqual(new Set(receiver.metrics().map((p) => p.request)), new Set([2]));
    assert.equal(receiver.latestValue('m365.poll.count'), 5);
    await provider.shutdown();
  });

  test('setDown drops connections until the receiver is up again', async () => {
    receiver.setDown(true);
    const exporter = new ProtoMetricExporter({ url: `${receiver.url}/v1/metrics`, timeoutMillis: 300 });
    const provider = await exportSampleMetrics(exporter);
    assert.ok(receiver.droppedConnections() >= 1);
    assert.deepEqual(receiver.requests(), []);
    receiver.setDown(false);
    await provider.forceFlush();
    assert.equal(receiver.latestValue('m365.poll.count'), 5);
    await provider.shutdown();
  });
});

describe('OTLP receiver over raw HTTP', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  beforeEach(() => receiver.reset());
  after(() => receiver.close());

  const post = (path: string, contentType: string, body: string | Uint8Array) =>
    fetch(`${receiver.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  const jsonMetrics = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] },
        scopeMetrics: [
          {
            scope: { name: 'raw-scope' },
            metrics: [
              {
                name: 'raw.sum',
                unit: '1',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      asInt: '7',
                      timeUnixNano: '1700000000000000001',
                      attributes: [{ key: 'n', value: { intValue: '42' } }],
                    },
                    { asInt: 8, timeUnixNano: 1700000000, attributes: [{ key: 'b', value: { bytesValue: 'AQID' } }] },
                    {
                      asDouble: 0.5,
                      attributes: [
                        { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } } },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };

  test('decodes hand-written OTLP/JSON (int64 as strings or numbers, bytes, kvlist) and answers {}', async () => {
    const response = await post('/v1/metrics', 'application/json', JSON.stringify(jsonMetrics));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(await response.text(), '{}');
    const points = receiver.metrics();
    assert.deepEqual(
      points.map((p) => [p.value, p.timeUnixNano, p.temporality, p.monotonic]),
      [
        [7, 1700000000000000001n, 'delta', true],
        [8, 1700000000n, 'delta', true],
        [0.5, 0n, 'delta', true],
      ],
    );
    assert.deepEqual(
      points.map((p) => p.attributes),
      [{ n: 42 }, { b: new Uint8Array([1, 2, 3]) }, { kv: { x: 1.5 } }],
    );
    assert.deepEqual([points[0]?.resource, points[0]?.scope], [{ 'service.name': 'raw' }, 'raw-scope']);
  });

  test('answers an empty protobuf body and rejects what it cannot decode', async () => {
    const ok = await post('/v1/logs', 'application/x-protobuf', new Uint8Array());
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await ok.arrayBuffer()).byteLength, 0);
    assert.equal((await post('/v1/traces', 'application/json', '{}')).status, 404);
    assert.equal((await post('/v1/logs', 'text/plain', 'hello')).status, 415);
    assert.equal((await post('/v1/logs', 'application/json', '{not json')).status, 400);
    assert.equal((await post('/v1/metrics', 'application/x-protobuf', new Uint8Array([0x0a, 0xff]))).status, 400);
    assert.deepEqual(
      receiver.requests().map((r) => [r.path, r.status, r.bytes]),
      [
        ['/v1/logs', 200, 0],
        ['/v1/traces', 404, 2],
        ['/v1/logs', 415, 5],
        ['/v1/logs', 400, 9],
        ['/v1/metrics', 400, 2],
      ],
    );
  });

  test('waitFor resolves once data arrives and otherwise rejects with what was received', async () => {
    const waiting = receiver.waitFor(() => receiver.latestValue('raw.sum', { n: 42 }) === 7, 2000);
    await post('/v1/metrics', 'application/json', JSON.stringify(jsonMetrics));
    await waiting;
    await assert.rejects(
      receiver.waitFor(() => receiver.logs().length > 0, 50),
      (error: Error) => {
        assert.match(error.message, /within 50 ms/);
        assert.match(error.message, /1 request\(s\) \[\/v1\/metrics application\/json → 200\]/);
        assert.match(error.message, /metrics \[raw\.sum\]/);
        return true;
      },
    );
  });
});
