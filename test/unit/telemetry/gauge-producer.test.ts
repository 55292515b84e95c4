import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createGaugeProducer, withGauges } from '../../../src/telemetry/gauge-producer.ts';
import { CollectingReader, collectPoints } from '../../helpers/collecting-reader.ts';

const SCOPE = { name: 'm365-health', version: '1' };
const descriptor = (name: string) => ({ name, description: '', unit: '1', valueType: ValueType.INT });

function setup() {
  const resource = resourceFromAttributes({ 'service.name': 'test' });
  const gauges = createGaugeProducer(resource, SCOPE, () => 1_000_000);
  const reader = new CollectingReader();
  const meter = new MeterProvider({ resource, readers: [withGauges(reader, gauges)] }).getMeter(SCOPE.name, SCOPE.version);
  return { gauges, reader, meter };
}

test('the wrapped reader collects the registered gauges beside the meter’s metrics, in one scope entry', async () => {
  const { gauges, reader, meter } = setup();
  meter.createCounter('test.counter').add(2, { a: 'x' });
  gauges.register([descriptor('test.gauge')], (observe) => {
    observe('test.gauge', 1, { tenant: 't1' });
    observe('test.gauge', 0, { tenant: 't2' });
    observe('test.unregistered', 5, {});
  });
  const { resourceMetrics } = await reader.collect();
  assert.equal(resourceMetrics.scopeMetrics.length, 1);
  assert.deepEqual(resourceMetrics.scopeMetrics[0]!.metrics.map((m) => m.descriptor.name), ['test.counter', 'test.gauge']);
  assert.deepEqual(
    (await collectPoints(reader)).map((p) => [p.name, p.attributes, p.value]),
    [['test.counter', { a: 'x' }, 2], ['test.gauge', { tenant: 't1' }, 1], ['test.gauge', { tenant: 't2' }, 0]],
  );
});

test('a gauge reports what is observed now: a series observed no more is not exported again', async () => {
  const { gauges, reader } = setup();
  let tenants = ['t1', 't2'];
  gauges.register([descriptor('test.gauge')], (observe) => tenants.forEach((tenant) => observe('test.gauge', 1, { tenant })));
  assert.equal((await collectPoints(reader)).length, 2);
  tenants = ['t2'];
  assert.deepEqual((await collectPoints(reader)).map((p) => p.attributes), [{ tenant: 't2' }]);
});

test('a failing callback is a collection error; the other registrations are still collected', async () => {
  const { gauges, reader } = setup();
  gauges.register([descriptor('test.broken')], () => {
    throw new Error('boom');
  });
  gauges.register([descriptor('test.gauge')], (observe) => observe('test.gauge', 3, {}));
  const { resourceMetrics, errors } = await reader.collect();
  assert.equal(errors.length, 1);
  assert.deepEqual(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)), ['test.gauge']);
});
