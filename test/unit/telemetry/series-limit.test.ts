import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTelemetrySdk, EXPORT_BATCH_POINTS } from '../../../src/telemetry/sdk.ts';
import { startOtlpReceiver, exporterTo } from '../../helpers/otlp-receiver.ts';

const SERIES = 2 * EXPORT_BATCH_POINTS + 500;

test('the exporting reader keeps every series (none folded into otel.metric.overflow) and sends them in batches', async () => {
  const receiver = await startOtlpReceiver();
  const exporter = exporterTo(receiver);
  const telemetry = createTelemetrySdk({ exporter, serviceName: 'test', serviceVersion: '0', resource: {} });
  try {
    const gauge = telemetry.meter.createObservableGauge('test.series');
    gauge.addCallback((result) => {
      for (let i = 0; i < SERIES; i++) result.observe(1, { series: i });
    });
    await telemetry.forceFlush();
    const points = receiver.metrics().filter((p) => p.name === 'test.series');
    assert.equal(points.length, SERIES);
    assert.equal(new Set(points.map((p) => p.attributes['series'])).size, SERIES);
    assert.ok(points.every((p) => p.attributes['otel.metric.overflow'] === undefined));
    assert.equal(
      receiver.requests().filter((r) => r.path === '/v1/metrics').length,
      3,
      'at most EXPORT_BATCH_POINTS points per request',
    );
  } finally {
    await telemetry.shutdown(5_000);
    await receiver.close();
  }
});
