import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { GaugeChunk, type StartGaugeWriter } from '../../../src/telemetry/gauge-producer.ts';
import { EncodedRequest, MetricsEncoder } from '../../../src/telemetry/otlp/metrics-encoder.ts';
import { createCollectingMeter } from '../../helpers/collecting-exporter.ts';

const SCOPE = { name: 'm365-health', version: '1' };
const descriptor = (name: string) => ({ name, description: '', unit: '1', valueType: ValueType.INT });

const sdkChunk: StartGaugeWriter<ResourceMetrics> = (...head) => new GaugeChunk(...head);

function setup() {
  return createCollectingMeter(SCOPE, resourceFromAttributes({ 'service.name': 'test' }), () => 1_000_000);
}

test('a gauge reports what is observed now: a series observed no more is not exported again', async () => {
  const { gauges, points } = setup();
  let tenants = ['t1', 't2'];
  gauges.register(
    [descriptor('test.gauge')],
    () => tenants,
    (tenant, observe) => {
      observe('test.gauge', 1, { tenant });
      observe('test.unregistered', 5, {});
    },
  );
  assert.equal((await points()).length, 2);
  tenants = ['t2'];
  assert.deepEqual(
    (await points()).map((p) => p.attributes),
    [{ tenant: 't2' }],
  );
});

test('a failing callback is a collection error; the other registrations are still collected', async () => {
  const { gauges } = setup();
  gauges.register(
    [descriptor('test.broken')],
    () => [1],
    () => {
      throw new Error('boom');
    },
  );
  gauges.register(
    [descriptor('test.gauge')],
    () => [1],
    (_item, observe) => observe('test.gauge', 3, {}),
  );
  const chunks: { chunk: ResourceMetrics; errors: unknown[] }[] = [];
  for await (const chunk of gauges.collect(Infinity, sdkChunk)) chunks.push(chunk);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0].errors.map(String), ['Error: boom']);
  assert.deepEqual(
    chunks[0].chunk.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)),
    ['test.gauge'],
  );
});

test('a collection in chunks: about maxPoints points each, an item never split, every point once', async () => {
  const { gauges } = setup();
  const tenants = Array.from({ length: 10 }, (_, i) => `t${i}`);
  gauges.register(
    [descriptor('test.a'), descriptor('test.b')],
    () => tenants,
    (tenant, observe) => {
      for (let service = 0; service < 3; service++) observe('test.a', service, { tenant, service });
      observe('test.b', 1, { tenant });
    },
  );
  const chunks: MetricData[][] = [];
  for await (const { chunk } of gauges.collect(10, sdkChunk)) chunks.push(chunk.scopeMetrics.flatMap((s) => s.metrics));
  assert.deepEqual(
    chunks.map((metrics) => metrics.reduce((n, m) => n + m.dataPoints.length, 0)),
    [12, 12, 12, 4],
  );
  const tenantsOf = (metrics: MetricData[]) =>
    new Set(metrics.flatMap((m) => m.dataPoints.map((p) => p.attributes['tenant'])));
  assert.deepEqual(
    chunks.map((metrics) => [...tenantsOf(metrics)]),
    [['t0', 't1', 't2'], ['t3', 't4', 't5'], ['t6', 't7', 't8'], ['t9']],
  );
});

test('chunks written straight into requests are the bytes of the same chunks encoded, errors included', async () => {
  const { gauges } = setup();
  const tenantPart = (tenant: string) => Object.freeze({ 'm365.tenant.id': tenant });
  const services = ['Exchange', 'Ünïcode'].map((id) => Object.freeze({ 'm365.service.id': id }));
  const states = ['up', 'down', 'x'.repeat(200)].map((state) => Object.freeze({ state }));
  const tenants = Array.from({ length: 40 }, (_, i) => `t${i}`);
  gauges.register(
    [{ ...descriptor('test.age'), valueType: ValueType.DOUBLE }],
    () => tenants,
    (tenant, observe) => {
      observe('test.age', tenant.length / 3, { tenant });
      if (tenant === 't7') throw new Error('t7 broke');
    },
  );
  gauges.register(
    [descriptor('test.status'), descriptor('test.unused')],
    () => tenants,
    (tenant, observe) => {
      const [part] = [tenantPart(tenant)];
      for (const service of services)
        states.forEach((state, i) => observe('test.status', i === 1 ? 1 : -i, [part, service, state]));
      observe('test.other', 5, { tenant });
    },
  );
  gauges.register(
    [descriptor('test.broken')],
    () => {
      throw new Error('no items');
    },
    () => undefined,
  );
  for (const maxPoints of [1, 25, 1_000]) {
    const expected: Buffer[] = [];
    const expectedErrors: string[] = [];
    const encoder = new MetricsEncoder();
    for await (const { chunk, errors } of gauges.collect(maxPoints, sdkChunk)) {
      expectedErrors.push(...errors.map(String));
      if (chunk.scopeMetrics.length > 0) expected.push(Buffer.from(encoder.encode(chunk)));
    }
    const written: Buffer[] = [];
    const errors: string[] = [];
    let points = 0;
    const requests = new MetricsEncoder();
    const start: StartGaugeWriter<EncodedRequest> = (...head) => requests.startGaugeRequest(...head);
    for await (const { chunk: request, errors: chunkErrors } of gauges.collect(maxPoints, start)) {
      errors.push(...chunkErrors.map(String));
      points += request.points;
      if (request.points > 0) written.push(Buffer.from(request.bytes));
    }
    assert.deepEqual(written, expected, `maxPoints ${maxPoints}`);
    assert.deepEqual(errors, expectedErrors);
    assert.deepEqual(errors, ['Error: t7 broke', 'Error: no items']);
    assert.equal(points, tenants.length * (1 + services.length * states.length));
  }
});
