import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type MetricDescriptor,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { PointScratch } from './point-scratch.ts';
import { FIXED64, LENGTH_DELIMITED, ProtobufWriter, VARINT, varintSize } from './protobuf-writer.ts';

/**
 * The attributes of a series as the union of shared, frozen parts with disjoint keys (the tenant's, the service's,
 * the state's), in order: a tenant's hundreds of series share a handful of parts, so the encoder keeps each part's
 * encoding while the part is the same object and copies it, where encoding every point's attributes anew dominated
 * the export.
 */
export type AttributeParts = readonly Readonly<Attributes>[];

/**
 * A metric whose points are observed at each collection: a gauge, or with `upDown` an UpDownCounter's, written as
 * the SDK writes an observable UpDownCounter: a cumulative, non-monotonic sum.
 */
export interface ObservedDescriptor extends MetricDescriptor {
  readonly upDown?: boolean;
}

/** Where the points of gauges are written, such as a gauge request (see {@link MetricsEncoder.startGaugeRequest}). */
export interface GaugeWriter<T> {
  /** Makes the next observations go to these gauges (in the result in the order first used). */
  use(descriptors: readonly ObservedDescriptor[]): void;
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
 * An OTLP/protobuf encoder of `ExportMetricsServiceRequest`s for gauges and sums, field for field what the
 * OpenTelemetry exporter writes, that encodes each attribute key and value once and then copies the bytes: a thousand
 * tenants make hundreds of thousands of points per export, all repeating the same few thousand tenant and service names.
 */
export class MetricsEncoder {
  readonly #keyValues = new Map<string, Map<AttributeValue, Uint8Array>>();
  #cached = 0;
  readonly #scratch = new ProtobufWriter(1024);
  /** Kept between requests so that it grows once; each request gets a copy of its bytes. */
  readonly #writer = new ProtobufWriter();
  // The attribute fields of each part (an attributes object is taken as frozen), encoded once while the part lives;
  // the last part met at each place of a point's parts first (a tenant's and a service's come for many points in a row).
  readonly #parts = new WeakMap<object, Uint8Array>();
  readonly #partWriter = new ProtobufWriter(1024);
  readonly #lastParts: object[] = [];
  readonly #lastEncodings: Uint8Array[] = [];
  readonly #points = new PointScratch();
  // Each metric's points of a gauge request, and the request, kept between requests so that they grow once: a new
  // buffer of megabytes for each of hundreds of requests an export is memory outside the heap, which V8 answers
  // with full garbage collections of the whole heap, several a second while an export lasts.
  readonly #sections: ProtobufWriter[] = [];
  readonly #request = new ProtobufWriter();

  encode(resourceMetrics: ResourceMetrics): Uint8Array {
    const writer = this.#writer;
    writer.reset();
    writer.tag(1, LENGTH_DELIMITED);
    const start = writer.begin();
    this.#writeResource(writer, resourceMetrics.resource);
    for (const scope of resourceMetrics.scopeMetrics) this.#writeScope(writer, scope);
    writeSchemaUrl(writer, resourceMetrics.resource.schemaUrl);
    writer.end(start);
    return writer.finish().slice();
  }

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
  ): GaugeWriter<EncodedRequest> {
    const times = this.#points.timeFields(startTime, endTime);
    const sections = new Map<string, Section>();
    let current = new Map<string, Section>();
    const request = {
      points: 0,
      observe: (name: string, value: number, attributes: Attributes | AttributeParts) => {
        const section = current.get(name);
        if (section === undefined) return;
        this.#writePoint(section.points, times, value, section.isInt, attributes);
        request.points++;
      },
      use: (descriptors: readonly ObservedDescriptor[]) => {
        current = new Map();
        for (const descriptor of descriptors) {
          let section = sections.get(descriptor.name);
          if (section === undefined) {
            const points = this.#sections.pop() ?? new ProtobufWriter();
            points.reset();
            section = { descriptor, isInt: descriptor.valueType === ValueType.INT, points };
            sections.set(descriptor.name, section);
          }
          current.set(descriptor.name, section);
        }
      },
      finish: () => this.#finishGaugeRequest(resource, scope, sections, request.points),
    };
    return request;
  }

  /**
   * Lays a gauge request out around the sections its points were written in, at their final size: one copy of each
   * point, no length moved after the fact.
   */
  #finishGaugeRequest(
    resource: Resource,
    scope: InstrumentationScope,
    sections: Map<string, Section>,
    points: number,
  ): EncodedRequest {
    const used = [...sections.values()].filter((section) => section.points.pos > 0);
    const head = new ProtobufWriter(1024);
    this.#writeResource(head, resource);
    const resourceField = head.finish().slice();
    head.reset();
    writeScopeHeader(head, scope);
    const scopeHeader = head.finish().slice();
    const trailers = used.map((section) => (section.descriptor.upDown === true ? SUM_TRAILER_SIZE : 0));
    const metricHeads = used.map((section, i) => {
      head.reset();
      writeMetricHeader(head, section.descriptor);
      head.tag(section.descriptor.upDown === true ? 7 : 5, LENGTH_DELIMITED);
      head.varint(section.points.pos + trailers[i]);
      return head.finish().slice();
    });
    const metricSizes = used.map((section, i) => metricHeads[i].length + section.points.pos + trailers[i]);
    let scopeSize = scopeHeader.length + fieldSize(scope.schemaUrl);
    for (const size of metricSizes) scopeSize += 1 + varintSize(size) + size;
    const resourceMetricsSize =
      resourceField.length +
      (used.length === 0 ? 0 : 1 + varintSize(scopeSize) + scopeSize) +
      fieldSize(resource.schemaUrl);
    const total = 1 + varintSize(resourceMetricsSize) + resourceMetricsSize;
    const out = this.#request;
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
        if (trailers[i] > 0) writeCumulativeSumTrailer(out);
      });
      writeSchemaUrl(out, scope.schemaUrl);
    }
    writeSchemaUrl(out, resource.schemaUrl);
    if (out.pos !== total) throw new Error(`gauge request of ${out.pos} bytes, ${total} planned`);
    for (const section of sections.values()) this.#sections.push(section.points);
    return new EncodedRequest(out.finish(), points);
  }

  #keyValue(key: string, value: AttributeValue): Uint8Array {
    const cacheable = typeof value !== 'object';
    let byValue = this.#keyValues.get(key);
    const hit = cacheable ? byValue?.get(value) : undefined;
    if (hit) return hit;
    const scratch = this.#scratch;
    scratch.pos = 0;
    writeKeyValue(scratch, key, value);
    const encoded = scratch.finish().slice();
    if (!cacheable) return encoded;
    if (++this.#cached > MAX_CACHED) {
      this.#keyValues.clear();
      this.#cached = 1;
      byValue = undefined;
    }
    if (!byValue) this.#keyValues.set(key, (byValue = new Map<AttributeValue, Uint8Array>()));
    byValue.set(value, encoded);
    return encoded;
  }

  /** The encoded data-point attribute fields (7) of one shared part, at `place` in a point's parts. */
  #part(values: Attributes, place: number): Uint8Array {
    if (this.#lastParts[place] === values) return this.#lastEncodings[place];
    let encoded = this.#parts.get(values);
    if (encoded === undefined) {
      this.#partWriter.pos = 0;
      this.#attributes(this.#partWriter, 7, values);
      encoded = this.#partWriter.finish().slice();
      this.#parts.set(values, encoded);
    }
    this.#lastParts[place] = values;
    this.#lastEncodings[place] = encoded;
    return encoded;
  }

  #attributes(writer: ProtobufWriter, field: number, values: Attributes): void {
    for (const key in values) {
      if (!Object.prototype.hasOwnProperty.call(values, key) || values[key] === undefined) continue;
      writer.tag(field, LENGTH_DELIMITED);
      writer.bytes(this.#keyValue(key, values[key]!));
    }
  }

  #writeResource(writer: ProtobufWriter, resource: Resource): void {
    writer.tag(1, LENGTH_DELIMITED);
    const start = writer.begin();
    this.#attributes(writer, 1, resource.attributes);
    writer.tag(2, VARINT);
    writer.varint(0);
    writer.end(start);
  }

  #writeScope(writer: ProtobufWriter, scopeMetrics: ScopeMetrics): void {
    const { scope } = scopeMetrics;
    writer.tag(2, LENGTH_DELIMITED);
    const start = writer.begin();
    writeScopeHeader(writer, scope);
    for (const metric of scopeMetrics.metrics) this.#writeMetric(writer, metric);
    writeSchemaUrl(writer, scope.schemaUrl);
    writer.end(start);
  }

  #writeMetric(writer: ProtobufWriter, metric: MetricData): void {
    if (metric.dataPointType !== DataPointType.GAUGE && metric.dataPointType !== DataPointType.SUM) {
      throw new TypeError(`metric ${metric.descriptor.name}: only gauges and sums are encoded`);
    }
    writer.tag(2, LENGTH_DELIMITED);
    const start = writer.begin();
    writeMetricHeader(writer, metric.descriptor);
    writer.tag(metric.dataPointType === DataPointType.GAUGE ? 5 : 7, LENGTH_DELIMITED);
    const data = writer.begin();
    const isInt = metric.descriptor.valueType === ValueType.INT;
    for (const point of metric.dataPoints) {
      const times = this.#points.timeFields(point.startTime, point.endTime);
      this.#writePoint(writer, times, point.value, isInt, point.attributes);
    }
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

  /**
   * One NumberDataPoint: its times and value, then the attribute fields of each part (flat attributes are one part),
   * their encodings kept while the part lives and copied one after the other.
   */
  #writePoint(
    writer: ProtobufWriter,
    times: Uint8Array,
    value: number,
    isInt: boolean,
    attributes: Attributes | AttributeParts,
  ): void {
    const parts = Array.isArray(attributes) ? (attributes as AttributeParts) : [attributes as Attributes];
    const pointFields = this.#points.fields;
    const head = this.#points.head(times, value, isInt);
    pointFields[0] = head;
    let length = head.length;
    for (let place = 0; place < parts.length; place++) {
      const encoded = this.#part(parts[place], place);
      pointFields[place + 1] = encoded;
      length += encoded.length;
    }
    writer.byte(POINT_TAG);
    writer.varint(length);
    writer.rawList(pointFields, parts.length + 1, length);
  }
}

function writeSchemaUrl(writer: ProtobufWriter, schemaUrl: string | undefined): void {
  if (!schemaUrl) return;
  writer.tag(3, LENGTH_DELIMITED);
  writer.string(schemaUrl);
}

/** Bytes of what {@link writeCumulativeSumTrailer} writes. */
const SUM_TRAILER_SIZE = 2;

/**
 * What follows the points of an UpDownCounter's Sum: its `aggregation_temporality` (2), cumulative; `is_monotonic`
 * (3) is false, so absent, as the OpenTelemetry serializer leaves it. A Gauge has nothing after its points.
 */
function writeCumulativeSumTrailer(writer: ProtobufWriter): void {
  writer.tag(2, VARINT);
  writer.varint(2);
}

/** A gauge's points in a gauge request, written in a section of their own as they come. */
interface Section {
  readonly descriptor: ObservedDescriptor;
  readonly isInt: boolean;
  readonly points: ProtobufWriter;
}

/** Bytes of a string field (tag below 16), none when the string is empty. */
function fieldSize(text: string | undefined): number {
  if (!text) return 0;
  const length = Buffer.byteLength(text);
  return 1 + varintSize(length) + length;
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
