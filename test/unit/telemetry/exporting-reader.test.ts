import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { MeterProvider, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExportingReader } from '../../../src/telemetry/exporting-reader.ts';
import { createGaugeProducer } from '../../../src/telemetry/gauge-producer.ts';
import { countPoints } from '../../../src/telemetry/otlp/metric-batches.ts';
import { CollectingExporter, createCollectingMeter, NEVER_MS } from '../../helpers/collecting-exporter.ts';

const SCOPE = { name: 'm365-health', version: '1' };
const descriptor = (name: string) => ({ name, description: '', unit: '1', valueType: ValueType.INT });

/** A meter whose counter has `series` series, and gauges of `tenants` tenants with two series each. */
function setup(exporter: PushMetricExporter, maxPoints: number, series: number, tenants: number) {
  const gauges = createGaugeProducer(emptyResource(), SCOPE);
  const reader = new ExportingReader({ exporter, gauges, intervalMs: NEVER_MS, timeoutMs: 10_000, maxPoints });
  const meter = new MeterProvider({ readers: [reader] }).getMeter(SCOPE.name, SCOPE.version);
  const counter = meter.createCounter('test.counter');
  for (let i = 0; i < series; i++) counter.add(1, { series: i });
  gauges.register(
    [descriptor('test.gauge')],
    () => Array.from({ length: tenants }, (_, i) => `t${i}`),
    (tenant, observe) => {
      observe('test.gauge', 1, { tenant, series: 1 });
      observe('test.gauge', 2, { tenant, series: 2 });
    },
  );
  return reader;
}

test('an exporter taking whole collections gets the meter’s metrics and the gauges in one export, in one scope entry', async () => {
  const { meter, gauges, exports } = createCollectingMeter(SCOPE);
  meter.createCounter('test.counter').add(2, { a: 'x' });
  gauges.register(
    [descriptor('test.gauge')],
    () => ['t1', 't2'],
    (tenant, observe) => observe('test.gauge', tenant === 't1' ? 1 : 0, { tenant }),
  );
  const [only, ...more] = await exports();
  assert.equal(more.length, 0);
  assert.equal(only.scopeMetrics.length, 1);
  assert.deepEqual(
    only.scopeMetrics[0].metrics.map((m) => [m.descriptor.name, m.dataPoints.map((p) => [p.attributes, p.value])]),
    [
      [
        'test.gauge',
        [
          [{ tenant: 't1' }, 1],
          [{ tenant: 't2' }, 0],
        ],
      ],
      ['test.counter', [[{ a: 'x' }, 2]]],
    ],
  );
});

test('the gauges, then the meter’s metrics in requests of at most maxPoints; the last chunk joins the first request when both fit', async () => {
  for (const [tenants, series, sizes] of [
    [4, 25, [8, 10, 10, 5]],
    [4, 5, [8, 5]],
    [2, 5, [9]],
  ] as const) {
    const exporter = new CollectingExporter();
    const reader = setup(exporter, 10, series, tenants);
    await reader.forceFlush();
    const exported = exporter.take();
    assert.deepEqual(exported.map(countPoints), sizes, `${tenants} tenants, ${series} series`);
    const names = exported.flatMap((m) =>
      m.scopeMetrics.flatMap((s) => s.metrics.map((metric) => metric.descriptor.name)),
    );
    assert.equal(names.lastIndexOf('test.gauge') < names.indexOf('test.counter'), true, 'the gauges first');
    await reader.shutdown();
  }
});

test('aborted, a reader sends no further request; the one in flight ends as it will', async () => {
  const sent: ResourceMetrics[] = [];
  let release: (() => void) | undefined;
  const firstArrived = Promise.withResolvers<void>();
  const exporter: PushMetricExporter = {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void) {
      sent.push(metrics);
      release = () => done({ code: ExportResultCode.SUCCESS });
      firstArrived.resolve();
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const reader = setup(exporter, 10, 25, 40);
  const flushed = reader.forceFlush();
  await firstArrived.promise;
  reader.abort();
  release?.();
  await flushed;
  assert.equal(sent.length, 1);
});

test('a request left unanswered ends its export after timeoutMs; the next export sends again', async () => {
  const sent: ResourceMetrics[] = [];
  const exporter: PushMetricExporter = {
    // A collector that takes the request and trickles its answer for ever: the callback never comes.
    export: (metrics: ResourceMetrics) => void sent.push(metrics),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const gauges = createGaugeProducer(emptyResource(), SCOPE);
  const reader = new ExportingReader({ exporter, gauges, intervalMs: NEVER_MS, timeoutMs: 50, maxPoints: 10 });
  const meter = new MeterProvider({ readers: [reader] }).getMeter(SCOPE.name, SCOPE.version);
  meter.createCounter('test.counter').add(1);
  await reader.forceFlush();
  assert.equal(sent.length, 1, 'the first request, unanswered, ends the export');
  await reader.forceFlush();
  assert.equal(sent.length, 2, 'the next export is not held by it');
});
