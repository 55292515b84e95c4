import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider } from '@opentelemetry/sdk-metrics';
import { ExportingReader } from '../../../src/telemetry/exporting-reader.ts';
import { createGaugeProducer } from '../../../src/telemetry/gauge-producer.ts';
import { NEVER_MS } from '../../helpers/collecting-exporter.ts';

test('an observable gauge series no longer observed leaves the next export; counters stay cumulative', async () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const gauges = createGaugeProducer(emptyResource(), { name: 'test' });
  const reader = new ExportingReader({
    exporter,
    gauges,
    intervalMs: NEVER_MS,
    timeoutMs: 10_000,
    maxPoints: Infinity,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  const gauge = meter.createObservableGauge('tenant.up');
  const counter = meter.createCounter('polls');
  let tenants = ['contoso', 'fabrikam'];
  meter.addBatchObservableCallback(
    (result) => {
      for (const tenant of tenants) result.observe(gauge, 1, { tenant });
    },
    [gauge],
  );
  const exported = async () => {
    exporter.reset();
    await reader.forceFlush();
    const metrics = exporter.getMetrics().flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics));
    const points = (name: string) => metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    return {
      tenants: points('tenant.up').map((p) => p.attributes['tenant']),
      polls: points('polls').map((p) => p.value),
    };
  };
  counter.add(2);
  assert.deepEqual(await exported(), { tenants: ['contoso', 'fabrikam'], polls: [2] });
  tenants = ['contoso'];
  counter.add(1);
  assert.deepEqual(await exported(), { tenants: ['contoso'], polls: [3] });
  await provider.shutdown();
});
