import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** An attribute or log body value, decoded from an OTLP `AnyValue` (int64 values become numbers). */
export type AttrValue = string | number | boolean | Uint8Array | null | AttrValue[] | { [key: string]: AttrValue };

/** Attributes keyed by name. */
export type Attributes = Record<string, AttrValue>;

/** Which OTLP export service a request belongs to. */
export type OtlpSignal = 'metrics' | 'logs';

/** How a request body is encoded. */
export type OtlpFormat = 'protobuf' | 'json';

/** One data point of one metric, flattened with its metric, scope and resource. */
export interface MetricPoint {
  name: string;
  unit: string;
  description: string;
  type: 'gauge' | 'sum' | 'histogram';
  /** Sums and histograms only; absent when the sender left it unspecified. */
  temporality?: 'delta' | 'cumulative';
  /** Sums only. */
  monotonic?: boolean;
  /** The number (`as_double` or `as_int`); for a histogram, its `count`. */
  value: number;
  /** Histograms only. */
  count?: number;
  /** Histograms only, when sent. */
  sum?: number;
  attributes: Attributes;
  resource: Attributes;
  /** Instrumentation scope (meter) name. */
  scope: string;
  timeUnixNano: bigint;
  /** Index of the HTTP request in `requests()` that carried the point. */
  request: number;
}

/** One log record flattened with its scope and resource; absent strings are `''`, as in proto3. */
export interface LogRecord {
  eventName: string;
  severityNumber: number;
  severityText: string;
  /** `undefined` when the record has no body. */
  body: AttrValue | undefined;
  attributes: Attributes;
  resource: Attributes;
  /** Instrumentation scope (logger) name. */
  scope: string;
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** Index of the HTTP request in `requests()` that carried the record. */
  request: number;
}

type Int64 = string | number;

interface WireAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number | string;
  arrayValue?: { values?: WireAnyValue[] };
  kvlistValue?: { values?: WireKeyValue[] };
  bytesValue?: string;
}
interface WireKeyValue {
  key: string;
  value?: WireAnyValue;
}
interface WireResource {
  attributes?: WireKeyValue[];
}
interface WireScope {
  name?: string;
}
interface WireNumberPoint {
  attributes?: WireKeyValue[];
  timeUnixNano?: Int64;
  asDouble?: number | string;
  asInt?: Int64;
}
interface WireHistogramPoint {
  attributes?: WireKeyValue[];
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number | string;
}
interface WireMetric {
  name?: string;
  unit?: string;
  description?: string;
  gauge?: { dataPoints?: WireNumberPoint[] };
  sum?: { dataPoints?: WireNumberPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: WireHistogramPoint[]; aggregationTemporality?: number };
}
interface WireMetricsRequest {
  resourceMetrics?: Array<{
    resource?: WireResource;
    scopeMetrics?: Array<{ scope?: WireScope; metrics?: WireMetric[] }>;
  }>;
}
interface WireLogRecord {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: WireAnyValue;
  attributes?: WireKeyValue[];
  eventName?: string;
}
interface WireLogsRequest {
  resourceLogs?: Array<{
    resource?: WireResource;
    scopeLogs?: Array<{ scope?: WireScope; logRecords?: WireLogRecord[] }>;
  }>;
}

const schema = protobuf.loadSync(fileURLToPath(new URL('./otlp.proto', import.meta.url)));
const requestTypes = {
  metrics: schema.lookupType('otlp.ExportMetricsServiceRequest'),
  logs: schema.lookupType('otlp.ExportLogsServiceRequest'),
};
const metricsResponse = schema.lookupType('otlp.ExportMetricsServiceResponse');

/** What a collector says of a metrics request it took only in part: the response's `partial_success`. */
export interface PartialSuccessAnswer {
  rejected: number;
  message: string;
}

/** An `ExportMetricsServiceResponse` carrying `partial`, in `format`. */
export function encodeMetricsResponse(partial: PartialSuccessAnswer, format: OtlpFormat): Buffer {
  const partialSuccess = { rejectedDataPoints: partial.rejected, errorMessage: partial.message };
  if (format === 'json')
    return Buffer.from(
      JSON.stringify({ partialSuccess: { ...partialSuccess, rejectedDataPoints: `${partial.rejected}` } }),
    );
  return Buffer.from(metricsResponse.encode(metricsResponse.fromObject({ partialSuccess })).finish());
}

/**
 * Decodes an export request body into the OTLP/JSON shape (camelCase keys, int64 as strings,
 * bytes as base64), so that both encodings share one flattening path. Throws on a malformed body.
 */
export function decodeExportRequest(signal: OtlpSignal, format: OtlpFormat, body: Buffer): unknown {
  if (format === 'json') return JSON.parse(body.toString('utf8'));
  const type = requestTypes[signal];
  return type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String, defaults: false });
}

/** Flattens a decoded ExportMetricsServiceRequest into one entry per data point. */
export function flattenMetrics(decoded: unknown, request: number): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const rm of (decoded as WireMetricsRequest).resourceMetrics ?? []) {
    const resource = decodeAttributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = sm.scope?.name ?? '';
      for (const metric of sm.metrics ?? []) {
        points.push(...flattenMetric(metric).map((p) => ({ ...p, resource, scope, request })));
      }
    }
  }
  return points;
}

/** Flattens a decoded ExportLogsServiceRequest into one entry per log record. */
export function flattenLogs(decoded: unknown, request: number): LogRecord[] {
  const records: LogRecord[] = [];
  for (const rl of (decoded as WireLogsRequest).resourceLogs ?? []) {
    const resource = decodeAttributes(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      const scope = sl.scope?.name ?? '';
      for (const log of sl.logRecords ?? []) {
        records.push({
          eventName: log.eventName ?? '',
          severityNumber: Number(log.severityNumber ?? 0),
          severityText: log.severityText ?? '',
          body: log.body === undefined ? undefined : decodeAnyValue(log.body),
          attributes: decodeAttributes(log.attributes),
          resource,
          scope,
          timeUnixNano: toBigInt(log.timeUnixNano),
          observedTimeUnixNano: toBigInt(log.observedTimeUnixNano),
          request,
        });
      }
    }
  }
  return records;
}

type PointBody = Omit<MetricPoint, 'resource' | 'scope' | 'request'>;

function flattenMetric(metric: WireMetric): PointBody[] {
  const base = { name: metric.name ?? '', unit: metric.unit ?? '', description: metric.description ?? '' };
  if (metric.gauge) {
    return (metric.gauge.dataPoints ?? []).map((p) => ({ ...base, type: 'gauge', ...numberPoint(p) }));
  }
  if (metric.sum) {
    const { aggregationTemporality, isMonotonic } = metric.sum;
    const kind = {
      type: 'sum',
      temporality: toTemporality(aggregationTemporality),
      monotonic: isMonotonic ?? false,
    } as const;
    return (metric.sum.dataPoints ?? []).map((p) => ({ ...base, ...kind, ...numberPoint(p) }));
  }
  if (metric.histogram) {
    const temporality = toTemporality(metric.histogram.aggregationTemporality);
    return (metric.histogram.dataPoints ?? []).map((p) => ({
      ...base,
      type: 'histogram',
      temporality,
      ...histogramPoint(p),
    }));
  }
  return [];
}

function numberPoint(p: WireNumberPoint) {
  const value = p.asInt !== undefined ? Number(p.asInt) : Number(p.asDouble ?? 0);
  return { value, attributes: decodeAttributes(p.attributes), timeUnixNano: toBigInt(p.timeUnixNano) };
}

function histogramPoint(p: WireHistogramPoint) {
  const count = Number(p.count ?? 0);
  const sum = p.sum === undefined ? undefined : Number(p.sum);
  return {
    value: count,
    count,
    sum,
    attributes: decodeAttributes(p.attributes),
    timeUnixNano: toBigInt(p.timeUnixNano),
  };
}

function toTemporality(value: number | string | undefined): 'delta' | 'cumulative' | undefined {
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return 'delta';
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return 'cumulative';
  return undefined;
}

function toBigInt(value: Int64 | undefined): bigint {
  return value === undefined ? 0n : BigInt(value);
}

function decodeAttributes(list: WireKeyValue[] | undefined): Attributes {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, decodeAnyValue(kv.value)]));
}

function decodeAnyValue(v: WireAnyValue | undefined): AttrValue {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(decodeAnyValue);
  if (v.kvlistValue !== undefined) return decodeAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return new Uint8Array(Buffer.from(v.bytesValue, 'base64'));
  return null;
}
