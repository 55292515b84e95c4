import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData, type ResourceMetrics, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { PartsDataPoint } from './attribute-parts.ts';
import { FIXED64, LENGTH_DELIMITED, ProtobufWriter, VARINT, varintSize } from './protobuf-writer.ts';

/** Encodes `ExportMetricsServiceRequest`s (OTLP/protobuf). */
export interface MetricsEncoder {
  encode(resourceMetrics: ResourceMetrics): Uint8Array;
}

/** Past this many cached attribute encodings the cache starts over (the agent's attributes are bounded by config). */
const MAX_CACHED = 1_000_000;

/**
 * An OTLP/protobuf encoder for gauges and sums, field for field what the OpenTelemetry exporter writes, that
 * encodes each attribute key and value once and then copies the bytes: a thousand tenants make hundreds of
 * thousands of points per export, all repeating the same few thousand tenant and service names.
 */
export function createMetricsEncoder(): MetricsEncoder {
  const cache = new Map<string, Map<AttributeValue, Uint8Array>>();
  let cached = 0;
  const scratch = new ProtobufWriter(1024);
  // Kept between requests so that it grows once; each request gets a copy of its bytes.
  const writer = new ProtobufWriter();

  function keyValue(key: string, value: AttributeValue): Uint8Array {
    const cacheable = typeof value !== 'object';
    let byValue = cache.get(key);
    const hit = cacheable ? byValue?.get(value) : undefined;
    if (hit) return hit;
    scratch.pos = 0;
    writeKeyValue(scratch, key, value);
    const encoded = scratch.finish().slice();
    if (!cacheable) return encoded;
    if (++cached > MAX_CACHED) {
      cache.clear();
      cached = 1;
      byValue = undefined;
    }
    if (!byValue) cache.set(key, (byValue = new Map()));
    byValue.set(value, encoded);
    return encoded;
  }

  // The attribute fields of each shared part (see attribute-parts.ts), encoded once while the part lives.
  const parts = new WeakMap<object, Uint8Array>();
  const partWriter = new ProtobufWriter(1024);
  function part(values: Attributes): Uint8Array {
    let encoded = parts.get(values);
    if (encoded === undefined) {
      partWriter.pos = 0;
      attributes(partWriter, 7, values);
      encoded = partWriter.finish().slice();
      parts.set(values, encoded);
    }
    return encoded;
  }

  function attributes(writer: ProtobufWriter, field: number, values: Attributes): void {
    for (const key in values) {
      if (!Object.prototype.hasOwnProperty.call(values, key) || values[key] === undefined) continue;
      writer.tag(field, LENGTH_DELIMITED);
      writer.bytes(keyValue(key, values[key]!));
    }
  }

  return {
    encode(resourceMetrics) {
      writer.reset();
      writer.tag(1, LENGTH_DELIMITED);
      const start = writer.begin();
      writer.tag(1, LENGTH_DELIMITED);
      const resource = writer.begin();
      attributes(writer, 1, resourceMetrics.resource.attributes);
      writer.tag(2, VARINT);
      writer.varint(0);
      writer.end(resource);
      for (const scope of resourceMetrics.scopeMetrics) writeScope(writer, scope, { keyValue, attributes, part });
      if (resourceMetrics.resource.schemaUrl) {
        writer.tag(3, LENGTH_DELIMITED);
        writer.string(resourceMetrics.resource.schemaUrl);
      }
      writer.end(start);
      return writer.finish().slice();
    },
  };
}

interface AttributeCodec {
  keyValue(key: string, value: AttributeValue): Uint8Array;
  /** The encoded data-point attribute fields (7) of one shared part. */
  part(values: Attributes): Uint8Array;
  attributes(writer: ProtobufWriter, field: number, values: Attributes): void;
}

function writeScope(writer: ProtobufWriter, scopeMetrics: ScopeMetrics, codec: AttributeCodec): void {
  const { scope } = scopeMetrics;
  writer.tag(2, LENGTH_DELIMITED);
  const start = writer.begin();
  writer.tag(1, LENGTH_DELIMITED);
  const header = writer.begin();
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(scope.name);
  if (scope.version) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(scope.version);
  }
  writer.end(header);
  for (const metric of scopeMetrics.metrics) writeMetric(writer, metric, codec);
  if (scope.schemaUrl) {
    writer.tag(3, LENGTH_DELIMITED);
    writer.string(scope.schemaUrl);
  }
  writer.end(start);
}

function writeMetric(writer: ProtobufWriter, metric: MetricData, codec: AttributeCodec): void {
  if (metric.dataPointType !== DataPointType.GAUGE && metric.dataPointType !== DataPointType.SUM) {
    throw new TypeError(`metric ${metric.descriptor.name}: only gauges and sums are encoded`);
  }
  writer.tag(2, LENGTH_DELIMITED);
  const start = writer.begin();
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(metric.descriptor.name);
  if (metric.descriptor.description) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(metric.descriptor.description);
  }
  if (metric.descriptor.unit) {
    writer.tag(3, LENGTH_DELIMITED);
    writer.string(metric.descriptor.unit);
  }
  writer.tag(metric.dataPointType === DataPointType.GAUGE ? 5 : 7, LENGTH_DELIMITED);
  const data = writer.begin();
  const isInt = metric.descriptor.valueType === ValueType.INT;
  for (const point of metric.dataPoints) writePoint(writer, point, isInt, codec);
  if (metric.dataPointType === DataPointType.SUM) {
    const temporality = metric.aggregationTemporality === AggregationTemporality.DELTA ? 1 : 2;
    writer.tag(2, VARINT);
    writer.varint(temporality);
    if (metric.isMonotonic) {
      writer.tag(3, VARINT);
      writer.varint(1);
    }
  }
  writer.end(data);
  writer.end(start);
}

const pointKeyValues: Uint8Array[] = [];

/** One NumberDataPoint, its length known beforehand from the cached attribute encodings. */
function writePoint(writer: ProtobufWriter, point: DataPoint<number>, isInt: boolean, codec: AttributeCodec): void {
  let count = 0;
  let length = 27;
  if (point instanceof PartsDataPoint) {
    // The parts' encodings are whole attribute fields: copied one after the other.
    for (const values of point.parts) {
      const encoded = codec.part(values);
      pointKeyValues[count++] = encoded;
      length += encoded.length;
    }
    writeHead(writer, point, isInt, length);
    for (let i = 0; i < count; i++) writer.raw(pointKeyValues[i]!);
    return;
  }
  for (const key in point.attributes) {
    const value = point.attributes[key];
    if (value === undefined || !Object.prototype.hasOwnProperty.call(point.attributes, key)) continue;
    const encoded = codec.keyValue(key, value);
    pointKeyValues[count++] = encoded;
    length += 1 + varintSize(encoded.length) + encoded.length;
  }
  writeHead(writer, point, isInt, length);
  for (let i = 0; i < count; i++) {
    writer.tag(7, LENGTH_DELIMITED);
    writer.bytes(pointKeyValues[i]!);
  }
}

/** Tags of a NumberDataPoint's fields, as their one-byte varints. */
const POINT_TAG = (1 << 3) | LENGTH_DELIMITED;
const START_TAG = (2 << 3) | FIXED64;
const END_TAG = (3 << 3) | FIXED64;
const DOUBLE_TAG = (4 << 3) | FIXED64;
const INT_TAG = (6 << 3) | FIXED64;

/** The point's tag and length, its times and its value: everything before the attributes. */
function writeHead(writer: ProtobufWriter, point: DataPoint<number>, isInt: boolean, length: number): void {
  writer.byte(POINT_TAG);
  writer.varint(length);
  writer.raw(timeFields(point.startTime, point.endTime));
  if (isInt) {
    writer.byte(INT_TAG);
    writer.sfixed64(point.value);
  } else {
    writer.byte(DOUBLE_TAG);
    writer.double(point.value);
  }
}

/** The start and end time fields of a collection's points (18 bytes), computed once: its points share both. */
const encodedTimes = new WeakMap<HrTime, { start: HrTime; bytes: Uint8Array }>();

function timeFields(start: HrTime, end: HrTime): Uint8Array {
  const cached = encodedTimes.get(end);
  if (cached !== undefined && cached.start === start) return cached.bytes;
  const bytes = new Uint8Array(18);
  const view = new DataView(bytes.buffer);
  bytes[0] = START_TAG;
  view.setBigUint64(1, nanosOf(start), true);
  bytes[9] = END_TAG;
  view.setBigUint64(10, nanosOf(end), true);
  encodedTimes.set(end, { start, bytes });
  return bytes;
}

/** Nanoseconds since the epoch, as fixed64 holds them. */
function nanosOf(time: HrTime): bigint {
  return BigInt.asUintN(64, BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]));
}

function writeKeyValue(writer: ProtobufWriter, key: string, value: AttributeValue): void {
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(key);
  writer.tag(2, LENGTH_DELIMITED);
  const start = writer.begin();
  writeAnyValue(writer, value);
  writer.end(start);
}

function writeAnyValue(writer: ProtobufWriter, value: unknown): void {
  if (typeof value === 'string') {
    writer.tag(1, LENGTH_DELIMITED);
    writer.string(value);
  } else if (typeof value === 'boolean') {
    writer.tag(2, VARINT);
    writer.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
      writer.tag(3, VARINT);
      writer.varint(value);
    } else {
      writer.tag(4, FIXED64);
      writer.double(value);
    }
  } else if (value instanceof Uint8Array) {
    writer.tag(7, LENGTH_DELIMITED);
    writer.bytes(value);
  } else if (Array.isArray(value)) {
    writer.tag(5, LENGTH_DELIMITED);
    const array = writer.begin();
    for (const item of value) {
      writer.tag(1, LENGTH_DELIMITED);
      const start = writer.begin();
      writeAnyValue(writer, item);
      writer.end(start);
    }
    writer.end(array);
  }
}
