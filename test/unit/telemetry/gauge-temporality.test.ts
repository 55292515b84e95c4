import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { forgetUnobservedGauges } from '../../../src/telemetry/gauge-temporality.ts';

test('a gauge series no longer observed leaves the next export; counters stay cumulative', async () => {
  const exporter = forgetUnobservedGauges(new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE));
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
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
