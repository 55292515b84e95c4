import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type MetricDescriptor,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { PartsDataPoint, type AttributeParts } from './attribute-parts.ts';
import { PointScratch } from './point-scratch.ts';
import { FIXED64, LENGTH_DELIMITED, ProtobufWriter, VARINT, varintSize } from './protobuf-writer.ts';

/** Encodes `ExportMetricsServiceRequest`s (OTLP/protobuf). */
export interface MetricsEncoder {
  encode(resourceMetrics: ResourceMetrics): Uint8Array;
  /**
   * A request of gauges written as they are observed, the points never made objects: the bytes `encode` gives for
   * the same gauge points, at a fraction of the cost and of the garbage (millions of points an export). Its bytes
   * are the encoder's until the next gauge request is finished: send one before finishing the next.
   */
  startGaugeRequest(
    resource: Resource,
    scope: InstrumentationScope,
    startTime: HrTime,
    endTime: HrTime,
  ): GaugeWriter<EncodedRequest>;
}

/** Where the points of gauges are written, such as a gauge request (see {@link MetricsEncoder.startGaugeRequest}). */
export interface GaugeWriter<T> {
  /** Makes the next observations go to these gauges (in the result in the order first used). */
  use(descriptors: readonly MetricDescriptor[]): void;
  /** Writes one point of a gauge given to {@link use} (others are ignored). */
  readonly observe: (name: string, value: number, attributes: Attributes | AttributeParts) => void;
  /** Points written so far. */
  readonly points: number;
  /** What was written; the writer is not to be used again. */
  finish(): T;
}

/** A request encoded beforehand, that the exporter sends as it is (gauge requests: see `startGaugeRequest`). */
export class EncodedRequest {
  readonly bytes: Uint8Array;
  readonly points: number;

  constructor(bytes: Uint8Array, points: number) {
    this.bytes = bytes;
    this.points = points;
  }
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
    if (!byValue) cache.set(key, (byValue = new Map<AttributeValue, Uint8Array>()));
    byValue.set(value, encoded);
    return encoded;
  }

  // The attribute fields of each shared part (see attribute-parts.ts), encoded once while the part lives; the last
  // part met at each place of a point's parts first (a tenant's and a service's come for many points in a row).
  const parts = new WeakMap<object, Uint8Array>();
  const partWriter = new ProtobufWriter(1024);
  const lastParts: object[] = [];
  const lastEncodings: Uint8Array[] = [];
  function part(values: Attributes, place: number): Uint8Array {
    if (lastParts[place] === values) return lastEncodings[place];
    let encoded = parts.get(values);
    if (encoded === undefined) {
      partWriter.pos = 0;
      attributes(partWriter, 7, values);
      encoded = partWriter.finish().slice();
      parts.set(values, encoded);
    }
    lastParts[place] = values;
    lastEncodings[place] = encoded;
    return encoded;
  }

  function attributes(writer: ProtobufWriter, field: number, values: Attributes): void {
    for (const key in values) {
      if (!Object.prototype.hasOwnProperty.call(values, key) || values[key] === undefined) continue;
      writer.tag(field, LENGTH_DELIMITED);
      writer.bytes(keyValue(key, values[key]!));
    }
  }

  const codec: AttributeCodec = { keyValue, attributes, part, points: new PointScratch() };
  // Each metric's points of a gauge request, and the request, kept between requests so that they grow once: a new
  // buffer of megabytes for each of hundreds of requests an export is memory outside the heap, which V8 answers
  // with full garbage collections of the whole heap, several a second while an export lasts.
  const gauges: GaugeBuffers = { sections: [], request: new ProtobufWriter() };

  return {
    encode(resourceMetrics) {
      writer.reset();
      writer.tag(1, LENGTH_DELIMITED);
      const start = writer.begin();
      writeResource(writer, resourceMetrics.resource, codec);
      for (const scope of resourceMetrics.scopeMetrics) writeScope(writer, scope, codec);
      writeSchemaUrl(writer, resourceMetrics.resource.schemaUrl);
      writer.end(start);
      return writer.finish().slice();
    },
    startGaugeRequest(resource, scope, startTime, endTime) {
      return new GaugeRequest(resource, scope, codec.points.timeFields(startTime, endTime), codec, gauges);
    },
  };
}

function writeResource(writer: ProtobufWriter, resource: Resource, codec: AttributeCodec): void {
  writer.tag(1, LENGTH_DELIMITED);
  const start = writer.begin();
  codec.attributes(writer, 1, resource.attributes);
  writer.tag(2, VARINT);
  writer.varint(0);
  writer.end(start);
}

function writeSchemaUrl(writer: ProtobufWriter, schemaUrl: string | undefined): void {
  if (!schemaUrl) return;
  writer.tag(3, LENGTH_DELIMITED);
  writer.string(schemaUrl);
}

/** The buffers gauge requests reuse. */
interface GaugeBuffers {
  readonly sections: ProtobufWriter[];
  readonly request: ProtobufWriter;
}

interface Section {
  readonly descriptor: MetricDescriptor;
  readonly isInt: boolean;
  readonly points: ProtobufWriter;
}

/**
 * The points of each gauge written in a section of their own as they come, then the request laid out around the
 * sections at their final size: one copy of each point, no length moved after the fact.
 */
class GaugeRequest implements GaugeWriter<EncodedRequest> {
  points = 0;
  readonly observe: GaugeWriter<EncodedRequest>['observe'];
  readonly #resource: Resource;
  readonly #scope: InstrumentationScope;
  readonly #codec: AttributeCodec;
  readonly #buffers: GaugeBuffers;
  readonly #sections = new Map<string, Section>();
  #current = new Map<string, Section>();

  constructor(
    resource: Resource,
    scope: InstrumentationScope,
    times: Uint8Array,
    codec: AttributeCodec,
    buffers: GaugeBuffers,
  ) {
    this.#resource = resource;
    this.#scope = scope;
    this.#codec = codec;
    this.#buffers = buffers;
    this.observe = (name, value, attributes) => {
      const section = this.#current.get(name);
      if (section === undefined) return;
      writePointFields(section.points, times, value, section.isInt, attributes, codec);
      this.points++;
    };
  }

  use(descriptors: readonly MetricDescriptor[]): void {
    this.#current = new Map();
    for (const descriptor of descriptors) {
      let section = this.#sections.get(descriptor.name);
      if (section === undefined) {
        const points = this.#buffers.sections.pop() ?? new ProtobufWriter();
        points.reset();
        section = { descriptor, isInt: descriptor.valueType === ValueType.INT, points };
        this.#sections.set(descriptor.name, section);
      }
      this.#current.set(descriptor.name, section);
    }
  }

  finish(): EncodedRequest {
    const used = [...this.#sections.values()].filter((section) => section.points.pos > 0);
    const head = new ProtobufWriter(1024);
    writeResource(head, this.#resource, this.#codec);
    const resourceField = head.finish().slice();
    head.reset();
    writeScopeHeader(head, this.#scope);
    const scopeHeader = head.finish().slice();
    const metricHeads = used.map((section) => {
      head.reset();
      writeMetricHeader(head, section.descriptor);
      head.tag(5, LENGTH_DELIMITED);
      head.varint(section.points.pos);
      return head.finish().slice();
    });
    const metricSizes = used.map((section, i) => metricHeads[i].length + section.points.pos);
    let scopeSize = scopeHeader.length + fieldSize(this.#scope.schemaUrl);
    for (const size of metricSizes) scopeSize += 1 + varintSize(size) + size;
    const resourceMetricsSize =
      resourceField.length +
      (used.length === 0 ? 0 : 1 + varintSize(scopeSize) + scopeSize) +
      fieldSize(this.#resource.schemaUrl);
    const total = 1 + varintSize(resourceMetricsSize) + resourceMetricsSize;
    const out = this.#buffers.request;
    out.reset();
    out.ensure(total);
    out.tag(1, LENGTH_DELIMITED);
    out.varint(resourceMetricsSize);
    out.raw(resourceField);
    if (used.length > 0) {
      out.tag(2, LENGTH_DELIMITED);
      out.varint(scopeSize);
      out.raw(scopeHeader);
      used.forEach((section, i) => {
        out.tag(2, LENGTH_DELIMITED);
        out.varint(metricSizes[i]);
        out.raw(metricHeads[i]);
        out.raw(section.points.finish());
      });
      writeSchemaUrl(out, this.#scope.schemaUrl);
    }
    writeSchemaUrl(out, this.#resource.schemaUrl);
    if (out.pos !== total) throw new Error(`gauge request of ${out.pos} bytes, ${total} planned`);
    for (const section of this.#sections.values()) this.#buffers.sections.push(section.points);
    this.#sections.clear();
    return new EncodedRequest(out.finish(), this.points);
  }
}

/** Bytes of a string field (tag below 16), none when the string is empty. */
function fieldSize(text: string | undefined): number {
  if (!text) return 0;
  const length = Buffer.byteLength(text);
  return 1 + varintSize(length) + length;
}

/** What one encoder keeps: attribute encodings, and the scratch of its points. */
interface AttributeCodec {
  keyValue(key: string, value: AttributeValue): Uint8Array;
  /** The encoded data-point attribute fields (7) of one shared part, at `place` in a point's parts. */
  part(values: Attributes, place: number): Uint8Array;
  attributes(writer: ProtobufWriter, field: number, values: Attributes): void;
  readonly points: PointScratch;
}

function writeScope(writer: ProtobufWriter, scopeMetrics: ScopeMetrics, codec: AttributeCodec): void {
  const { scope } = scopeMetrics;
  writer.tag(2, LENGTH_DELIMITED);
  const start = writer.begin();
  writeScopeHeader(writer, scope);
  for (const metric of scopeMetrics.metrics) writeMetric(writer, metric, codec);
  writeSchemaUrl(writer, scope.schemaUrl);
  writer.end(start);
}

function writeScopeHeader(writer: ProtobufWriter, scope: InstrumentationScope): void {
  writer.tag(1, LENGTH_DELIMITED);
  const header = writer.begin();
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(scope.name);
  if (scope.version) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(scope.version);
  }
  writer.end(header);
}

function writeMetric(writer: ProtobufWriter, metric: MetricData, codec: AttributeCodec): void {
  if (metric.dataPointType !== DataPointType.GAUGE && metric.dataPointType !== DataPointType.SUM) {
    throw new TypeError(`metric ${metric.descriptor.name}: only gauges and sums are encoded`);
  }
  writer.tag(2, LENGTH_DELIMITED);
  const start = writer.begin();
  writeMetricHeader(writer, metric.descriptor);
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

function writeMetricHeader(writer: ProtobufWriter, descriptor: MetricDescriptor): void {
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(descriptor.name);
  if (descriptor.description) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(descriptor.description);
  }
  if (descriptor.unit) {
    writer.tag(3, LENGTH_DELIMITED);
    writer.string(descriptor.unit);
  }
}

function writePoint(writer: ProtobufWriter, point: DataPoint<number>, isInt: boolean, codec: AttributeCodec): void {
  const attributes = point instanceof PartsDataPoint ? point.parts : point.attributes;
  const times = codec.points.timeFields(point.startTime, point.endTime);
  writePointFields(writer, times, point.value, isInt, attributes, codec);
}

/** One NumberDataPoint, its length known beforehand from the cached attribute encodings. */
function writePointFields(
  writer: ProtobufWriter,
  times: Uint8Array,
  value: number,
  isInt: boolean,
  attributes: Attributes | AttributeParts,
  codec: AttributeCodec,
): void {
  const scratch = codec.points;
  if (Array.isArray(attributes)) {
    // The times and the value, then the parts' encodings (whole attribute fields), copied one after the other.
    const list = attributes as AttributeParts;
    const pointFields = scratch.fields;
    const head = scratch.head(times, value, isInt);
    pointFields[0] = head;
    let length = head.length;
    for (let place = 0; place < list.length; place++) {
      const encoded = codec.part(list[place], place);
      pointFields[place + 1] = encoded;
      length += encoded.length;
    }
    writer.byte(POINT_TAG);
    writer.varint(length);
    writer.rawList(pointFields, list.length + 1, length);
    return;
  }
  let count = 0;
  let length = 27;
  const flat = attributes as Attributes;
  const pointKeyValues = scratch.keyValues;
  for (const key in flat) {
    const item = flat[key];
    if (item === undefined || !Object.prototype.hasOwnProperty.call(flat, key)) continue;
    const encoded = codec.keyValue(key, item);
    pointKeyValues[count++] = encoded;
    length += 1 + varintSize(encoded.length) + encoded.length;
  }
  writer.byte(POINT_TAG);
  writer.varint(length);
  writer.raw(scratch.head(times, value, isInt));
  for (let i = 0; i < count; i++) {
    writer.tag(7, LENGTH_DELIMITED);
    writer.bytes(pointKeyValues[i]);
  }
}

/** The tag of a NumberDataPoint field, as its one-byte varint. */
const POINT_TAG = (1 << 3) | LENGTH_DELIMITED;

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
