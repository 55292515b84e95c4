import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { MetricsEncoder } from '../../../../src/telemetry/otlp/metrics-encoder.ts';
import { decodeExportRequest, flattenMetrics } from '../../../helpers/otlp-proto.ts';

const START: [number, number] = [1_795_000_000, 123_456_789];
const END: [number, number] = [1_795_000_060, 999_999_999];

function metric(
  name: string,
  type: DataPointType.GAUGE | DataPointType.SUM,
  valueType: ValueType,
  points: [Record<string, unknown>, number][],
  extra: object = {},
): MetricData {
  return {
    descriptor: { name, description: `${name} description`, unit: name.endsWith('age') ? 's' : '', valueType },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: type,
    dataPoints: points.map(([attributes, value]) => ({
      startTime: START,
      endTime: END,
      attributes: attributes as never,
      value,
    })),
    ...extra,
  } as MetricData;
}

const tenant = { 'm365.tenant.id': '00000000-0000-4000-8000-000000000001', 'm365.tenant.name': 'contoso' };
const long = 'x'.repeat(300);
const REQUEST: ResourceMetrics = {
  resource: resourceFromAttributes({
    'service.name': 'm365-health',
    'service.instance.id': 'abc',
    'deployment.environment.name': 'prod',
  }),
  scopeMetrics: [
    {
      scope: { name: 'm365-health', version: '0.1.0' },
      metrics: [
        metric('m365.service.health', DataPointType.GAUGE, ValueType.INT, [
          [{ ...tenant, 'm365.service.id': 'Exchange', 'm365.service.name': 'Exchange Online' }, 2],
          [
            { ...tenant, 'm365.service.id': 'microsoftteams', 'm365.service.name': 'Microsoft Teams — Besprechungen' },
            0,
          ],
          [{ ...tenant, 'm365.service.id': 'SharePoint', 'm365.service.name': long }, 3],
        ]),
        metric('m365.data.age', DataPointType.GAUGE, ValueType.DOUBLE, [
          [tenant, 12.5],
          [{}, -0.25],
        ]),
        metric(
          'm365.graph.requests',
          DataPointType.SUM,
          ValueType.INT,
          [
            [{ ...tenant, 'http.response.status_code': 200 }, 42],
            [
              { ...tenant, 'http.response.status_code': 429, flag: true, ratio: 0.5, negative: -7, list: ['a', 'b'] },
              5_000_000_000,
            ],
            [{ ...tenant, big: -(2 ** 40) }, -3],
          ],
          { isMonotonic: true },
        ),
        {
          ...metric('test.delta', DataPointType.SUM, ValueType.DOUBLE, [[tenant, 1.5]], { isMonotonic: false }),
          aggregationTemporality: AggregationTemporality.DELTA,
        },
      ],
    },
    {
      scope: { name: 'other-scope' },
      metrics: [metric('test.other', DataPointType.GAUGE, ValueType.INT, [[{ a: 'b' }, 1]])],
    },
  ],
};

test('encodes exactly the bytes of the OpenTelemetry protobuf serializer, also when the encodings come from its cache', () => {
  const encoder = new MetricsEncoder();
  const expected = Buffer.from(ProtobufMetricsSerializer.serializeRequest(REQUEST)!);
  assert.ok(expected.length > 1000);
  assert.deepEqual(Buffer.from(encoder.encode(REQUEST)), expected);
  assert.deepEqual(Buffer.from(encoder.encode(REQUEST)), expected, 'second encoding, attributes from the cache');
});

test('the opentelemetry-proto definitions decode every point, value, attribute and temporality of the request', () => {
  const decoded = flattenMetrics(
    decodeExportRequest('metrics', 'protobuf', Buffer.from(new MetricsEncoder().encode(REQUEST))),
    0,
  );
  const expected = REQUEST.scopeMetrics.flatMap(({ scope, metrics }) =>
    metrics.flatMap((m) =>
      m.dataPoints.map((point) => ({
        scope: scope.name,
        name: m.descriptor.name,
        unit: m.descriptor.unit,
        type: m.dataPointType === DataPointType.GAUGE ? 'gauge' : 'sum',
        temporality:
          m.dataPointType === DataPointType.GAUGE
            ? undefined
            : m.aggregationTemporality === AggregationTemporality.DELTA
              ? 'delta'
              : 'cumulative',
        value: point.value,
        attributes: point.attributes,
        timeUnixNano: BigInt(END[0]) * 1_000_000_000n + BigInt(END[1]),
      })),
    ),
  );
  assert.deepEqual(
    decoded.map((p) => ({
      scope: p.scope,
      name: p.name,
      unit: p.unit,
      type: p.type,
      temporality: p.temporality,
      value: p.value,
      attributes: p.attributes,
      timeUnixNano: p.timeUnixNano,
    })),
    expected,
  );
  assert.deepEqual(decoded[0].resource, REQUEST.resource.attributes);
});

test('many points: lengths past one byte, a growing buffer, times shared by a collection', () => {
  const points: [Record<string, unknown>, number][] = Array.from({ length: 5_000 }, (_, i) => [
    { ...tenant, 'm365.service.id': `service-${i % 27}`, state: `s${i}` },
    i % 2,
  ]);
  const request: ResourceMetrics = {
    ...REQUEST,
    scopeMetrics: [
      {
        scope: { name: 'm365-health' },
        metrics: [metric('m365.service.status', DataPointType.GAUGE, ValueType.INT, points)],
      },
    ],
  };
  const expected = Buffer.from(ProtobufMetricsSerializer.serializeRequest(request)!);
  assert.deepEqual(Buffer.from(new MetricsEncoder().encode(request)), expected);
});

test('refuses a histogram rather than sending it wrong', () => {
  const histogram = {
    ...metric('test.h', DataPointType.GAUGE, ValueType.DOUBLE, []),
    dataPointType: DataPointType.HISTOGRAM,
  } as unknown as MetricData;
  const request: ResourceMetrics = { ...REQUEST, scopeMetrics: [{ scope: { name: 'x' }, metrics: [histogram] }] };
  assert.throws(() => new MetricsEncoder().encode(request), /only gauges and sums/);
});

test('points made of shared attribute parts encode like the same points with flat attributes', () => {
  const resource = REQUEST.resource;
  const scope = { name: 'm365-health' };
  const status = { name: 'm365.service.status', description: '', unit: '1', valueType: ValueType.INT };
  const tenantPart = Object.freeze({ ...tenant });
  const services = ['Exchange', 'microsoftteams', 'Ünïcode service'].map((id) =>
    Object.freeze({ 'm365.service.id': id, 'm365.service.name': `${id} name` }),
  );
  const states = ['serviceOperational', 'serviceDegradation'].map((state) =>
    Object.freeze({ 'm365.service.state': state }),
  );
  const points: [Readonly<Record<string, string>>[], number][] = services.flatMap((service, i) => [
    [[tenantPart, service], i] as [Readonly<Record<string, string>>[], number],
    ...states.map((state, j): [Readonly<Record<string, string>>[], number] => [[tenantPart, service, state], j]),
  ]);
  const flat = points.map(([parts, value]) => ({
    startTime: START,
    endTime: END,
    value,
    attributes: Object.assign({}, ...parts) as Record<string, string>,
  }));
  const gauge: MetricData = {
    descriptor: status,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: flat,
  };
  const request: ResourceMetrics = { resource, scopeMetrics: [{ scope, metrics: [gauge] }] };
  const expected = Buffer.from(ProtobufMetricsSerializer.serializeRequest(request)!);
  assert.deepEqual(Buffer.from(new MetricsEncoder().encode(request)), expected);
});

test('refuses a histogram rather than sending it wrong', () => {
  const histogram = {
    ...metric('test.h', DataPointType.GAUGE, ValueType.DOUBLE, []),
    dataPointType: DataPointType.HISTOGRAM,
  } as unknown as MetricData;
  const request: ResourceMetrics = { ...REQUEST, scopeMetrics: [{ scope: { name: 'x' }, metrics: [histogram] }] };
  assert.throws(() => new MetricsEncoder().encode(request), /only gauges and sums/);
});

test('points made of shared attribute parts encode like the same points with flat attributes', () => {
  const resource = REQUEST.resource;
  const scope = { name: 'm365-health' };
  const status = { name: 'm365.service.status', description: '', unit: '1', valueType: ValueType.INT };
  const tenantPart = Object.freeze({ ...tenant });
  const services = ['Exchange', 'microsoftteams', 'Ünïcode service'].map((id) =>
    Object.freeze({ 'm365.service.id': id, 'm365.service.name': `${id} name` }),
  );
  const states = ['serviceOperational', 'serviceDegradation'].map((state) =>
    Object.freeze({ 'm365.service.state': state }),
  );
  const points: [Readonly<Record<string, string>>[], number][] = services.flatMap((service, i) => [
    [[tenantPart, service], i] as [Readonly<Record<string, string>>[], number],
    ...states.map((state, j): [Readonly<Record<string, string>>[], number] => [[tenantPart, service, state], j]),
  ]);
  const flat = points.map(([parts, value]) => ({
    startTime: START,
    endTime: END,
    value,
    attributes: Object.assign({}, ...parts) as Record<string, string>,
  }));
  const gauge: MetricData = {
    descriptor: status,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: flat,
  };
  const request: ResourceMetrics = { resource, scopeMetrics: [{ scope, metrics: [gauge] }] };
  const expected = Buffer.from(ProtobufMetricsSerializer.serializeRequest(request)!);
  const encoder = new MetricsEncoder();
  const written = () => {
    const writer = encoder.startGaugeRequest(resource, scope, START, END);
    writer.use([status]);
    for (const [parts, value] of points) writer.observe('m365.service.status', value, parts);
    return Buffer.from(writer.finish().bytes);
  };
  assert.deepEqual(written(), expected);
  assert.deepEqual(written(), expected, 'second encoding, parts from the cache');
  assert.deepEqual(Buffer.from(encoder.encode(request)), expected, 'flat points through the same encoder');
  assert.deepEqual(flat[1].attributes, {
    ...tenant,
    'm365.service.id': 'Exchange',
    'm365.service.name': 'Exchange name',
    'm365.service.state': 'serviceOperational',
  });
});

test('a gauge request written point by point is what the OpenTelemetry serializer gives for the same points', () => {
  const resource = resourceFromAttributes(
    { 'service.name': 'm365-health' },
    { schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' },
  );
  const scope = { name: 'm365-health', version: '0.1.0', schemaUrl: 'https://opentelemetry.io/schemas/1.36.0' };
  const tenantPart = Object.freeze({ ...tenant });
  const status = { name: 'm365.service.status', description: 'd'.repeat(200), unit: '1', valueType: ValueType.INT };
  const age = { name: 'm365.data.age', description: '', unit: 's', valueType: ValueType.DOUBLE };
  const unused = { name: 'test.unused', description: '', unit: '', valueType: ValueType.INT };
  // Over 16,384 bytes of points: three-byte lengths for the gauge, the metric, the scope and the request.
  const services = Array.from({ length: 60 }, (_, i) =>
    Object.freeze({ 'm365.service.id': `service-${i}`, 'm365.service.name': `Service ${i} ✓` }),
  );
  const states = ['serviceOperational', 'serviceDegradation'].map((state) =>
    Object.freeze({ 'm365.service.state': state }),
  );
  const writer = new MetricsEncoder().startGaugeRequest(resource, scope, START, END);
  writer.use([age, status, unused]);
  writer.observe('m365.data.age', 12.5, tenantPart);
  writer.observe('not.registered', 1, tenantPart);
  for (const service of services)
    states.forEach((state, i) => writer.observe('m365.service.status', i, [tenantPart, service, state]));
  writer.use([age]);
  writer.observe('m365.data.age', -0.25, {});
  writer.observe('m365.service.status', 9, tenantPart);
  const request = writer.finish();
  const points = (entries: [Record<string, unknown>, number][]) =>
    entries.map(([attributes, value]) => ({ startTime: START, endTime: END, attributes: attributes as never, value }));
  const gauge = (descriptor: typeof age, dataPoints: DataPoint<number>[]): MetricData => ({
    descriptor,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints,
  });
  const expected = ProtobufMetricsSerializer.serializeRequest({
    resource,
    scopeMetrics: [
      {
        scope,
        metrics: [
          gauge(
            age,
            points([
              [tenant, 12.5],
              [{}, -0.25],
            ]),
          ),
          gauge(
            status,
            points(
              services.flatMap((service) =>
                states.map((state, i): [Record<string, unknown>, number] => [{ ...tenant, ...service, ...state }, i]),
              ),
            ),
          ),
        ],
      },
    ],
  })!;
  assert.ok(expected.length > 16_384);
  assert.equal(request.points, 2 + services.length * states.length);
  assert.deepEqual(Buffer.from(request.bytes), Buffer.from(expected));
});

test('a gauge request keeps the heads of small integer values per collection, and writes any other value in full', () => {
  const resource = resourceFromAttributes({ 'service.name': 'm365-health' });
  const scope = { name: 'm365-health' };
  const tenantPart = Object.freeze({ ...tenant });
  const service = Object.freeze({ 'm365.service.id': 'Exchange', 'm365.service.name': 'Exchange Online' });
  const health = { name: 'm365.service.health', description: '', unit: '1', valueType: ValueType.INT };
  const age = { name: 'm365.data.age', description: '', unit: 's', valueType: ValueType.DOUBLE };
  const ints = [0, 1, 15, 16, 99, -1, 5_000_000_000, 1, 0];
  const doubles = [0, 1, 2.5, -0.25, 1e300];
  const later: [number, number] = [END[0] + 60, END[1]];
  const encoder = new MetricsEncoder();
  const write = (start: [number, number], end: [number, number]) => {
    const writer = encoder.startGaugeRequest(resource, scope, start, end);
    writer.use([health, age]);
    for (const value of ints) writer.observe('m365.service.health', value, [tenantPart, service]);
    for (const value of doubles) writer.observe('m365.data.age', value, [tenantPart]);
    return Buffer.from(writer.finish().bytes);
  };
  const expected = (start: [number, number], end: [number, number]) => {
    const points = (values: number[], attributes: Record<string, unknown>) =>
      values.map((value) => ({ startTime: start, endTime: end, attributes: attributes as never, value }));
    const gauge = (descriptor: typeof age, dataPoints: DataPoint<number>[]): MetricData => ({
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints,
    });
    return Buffer.from(
      ProtobufMetricsSerializer.serializeRequest({
        resource,
        scopeMetrics: [
          {
            scope,
            metrics: [gauge(health, points(ints, { ...tenant, ...service })), gauge(age, points(doubles, tenant))],
          },
        ],
      })!,
    );
  };
  assert.deepEqual(write(START, END), expected(START, END));
  assert.deepEqual(
    write(START, later),
    expected(START, later),
    'the next collection: its own times, not the kept heads of the one before',
  );
});

test("an UpDownCounter's points in a gauge request are the cumulative, non-monotonic Sum the OpenTelemetry serializer writes", () => {
  const resource = resourceFromAttributes({ 'service.name': 'm365-health' });
  const scope = { name: 'm365-health', version: '0.1.0' };
  const tenantPart = Object.freeze({ 'm365.tenant.name': 'contoso' });
  const service = Object.freeze({ 'm365.service.id': 'Exchange', 'm365.service.name': 'Exchange Online' });
  const states = ['serviceOperational', 'serviceDegradation', 'other'].map((state) =>
    Object.freeze({ 'm365.service.state': state }),
  );
  const health = { name: 'm365.service.health', description: 'Health', unit: '1', valueType: ValueType.INT };
  const status = { ...health, name: 'm365.service.status', description: 'Status', upDown: true };
  const writer = new MetricsEncoder().startGaugeRequest(resource, scope, START, END);
  writer.use([health, status]);
  writer.observe('m365.service.health', 2, [tenantPart, service]);
  states.forEach((state, i) => writer.observe('m365.service.status', i === 1 ? 1 : 0, [tenantPart, service, state]));
  const bytes = Buffer.from(writer.finish().bytes);
  const points = (entries: [Record<string, unknown>, number][]) =>
    entries.map(([attributes, value]) => ({ startTime: START, endTime: END, attributes: attributes as never, value }));
  const { upDown: _, ...statusDescriptor } = status;
  const expected = ProtobufMetricsSerializer.serializeRequest({
    resource,
    scopeMetrics: [
      {
        scope,
        metrics: [
          {
            descriptor: health,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: points([[{ ...tenantPart, ...service }, 2]]),
          },
          {
            descriptor: statusDescriptor,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: false,
            dataPoints: points(states.map((state, i) => [{ ...tenantPart, ...service, ...state }, i === 1 ? 1 : 0])),
          },
        ],
      },
    ],
  })!;
  assert.deepEqual(bytes, Buffer.from(expected));
  const decoded = flattenMetrics(decodeExportRequest('metrics', 'protobuf', bytes), 0).filter(
    (p) => p.name === 'm365.service.status',
  );
  assert.deepEqual(
    decoded.map((p) => [p.type, p.temporality, p.monotonic, p.attributes['m365.service.state'], p.value]),
    [
      ['sum', 'cumulative', false, 'serviceOperational', 0],
      ['sum', 'cumulative', false, 'serviceDegradation', 1],
      ['sum', 'cumulative', false, 'other', 0],
    ],
  );
});
