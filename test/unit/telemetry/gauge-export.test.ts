import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { createLog } from '../../../src/log.ts';
import { createTelemetrySdk, EXPORT_BATCH_POINTS } from '../../../src/telemetry/sdk.ts';
import { startOtlpReceiver, exporterTo } from '../../helpers/otlp-receiver.ts';
import { textOf } from '../../helpers/text-of.ts';

const TENANTS = Array.from({ length: 250 }, (_, i) => `tenant-${i}`);
const PER_TENANT = 100;

async function setup() {
  const receiver = await startOtlpReceiver();
  const exporter = exporterTo(receiver);
  const lines: string[] = [];
  const log = createLog({
    level: 'info',
    format: 'text',
    write: (line) => lines.push(line.slice(25)),
    clock: Date.now,
  });
  const telemetry = createTelemetrySdk({ exporter, serviceName: 'test', serviceVersion: '0', resource: {}, log });
  telemetry.gauges.register(
    [{ name: 'test.gauge', description: '', unit: '1', valueType: ValueType.INT }],
    () => TENANTS,
    (tenant, observe) => {
      for (let i = 0; i < PER_TENANT; i++) observe('test.gauge', i, { tenant, series: i });
    },
  );
  const gaugeRequests = () => receiver.requests().filter((r) => r.path === '/v1/metrics').length;
  return { receiver, telemetry, gaugeRequests, lines };
}

test('the gauges go out over OTLP in requests of about EXPORT_BATCH_POINTS points, every series once', async () => {
  const { receiver, telemetry, gaugeRequests } = await setup();
  try {
    await telemetry.forceFlush();
    const points = receiver.metrics().filter((p) => p.name === 'test.gauge');
    assert.equal(points.length, TENANTS.length * PER_TENANT);
    assert.equal(
      new Set(points.map((p) => `${textOf(p.attributes['tenant'])}/${textOf(p.attributes['series'])}`)).size,
      points.length,
    );
    assert.equal(gaugeRequests(), Math.ceil((TENANTS.length * PER_TENANT) / EXPORT_BATCH_POINTS));
  } finally {
    await telemetry.shutdown(5_000);
    await receiver.close();
  }
});

test('a refused request ends that export; the next one sends everything again', async () => {
  const { receiver, telemetry, gaugeRequests } = await setup();
  try {
    receiver.failNext(1, 400);
    await telemetry.forceFlush();
    assert.equal(gaugeRequests(), 1, 'no request after the refused one');
    await telemetry.forceFlush();
    assert.equal(receiver.metrics().filter((p) => p.name === 'test.gauge').length, TENANTS.length * PER_TENANT);
  } finally {
    await telemetry.shutdown(5_000);
    await receiver.close();
  }
});

test('a partial success is logged as a warning with what the collector rejected, and the export goes on', async () => {
  const { receiver, telemetry, gaugeRequests, lines } = await setup();
  try {
    receiver.answerPartially(2, { rejected: 7, message: 'points too old' });
    await telemetry.forceFlush();
    assert.equal(gaugeRequests(), Math.ceil((TENANTS.length * PER_TENANT) / EXPORT_BATCH_POINTS), 'nothing sent again');
    assert.equal(receiver.metrics().filter((p) => p.name === 'test.gauge').length, TENANTS.length * PER_TENANT);
    const url = `${receiver.url}/v1/metrics`;
    assert.deepEqual(
      lines.map((line) => line.replace(/ bytes=\d+/, ' bytes=…')),
      [
        `WARN  collector rejected part of a metrics export (partial success) url=${url} rejected=7 message="points too old" points=${EXPORT_BATCH_POINTS} bytes=…`,
      ],
      'the second, within the minute, is counted for the next line',
    );
  } finally {
    await telemetry.shutdown(5_000);
    await receiver.close();
  }
});
