import type { Attributes, HrTime } from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type MetricData,
  type MetricDescriptor,
} from '@opentelemetry/sdk-metrics';
import { PartsDataPoint, type AttributeParts } from './otlp/attribute-parts.ts';
import type { EncodedRequest, MetricsEncoder } from './otlp/metrics-encoder.ts';

/**
 * Reports the current value of one series of a registered gauge; its attributes as one object, or as shared parts
 * (what the protobuf encoder copies instead of encoding: {@link AttributeParts}).
 */
export type ObserveGauge = (name: string, value: number, attributes: Attributes | AttributeParts) => void;

/** Where gauges read straight from the agent's state are registered. */
export interface GaugeRegistry {
  /** Registers gauges: at each collection, `observeItem` reports the series of each of the `items()` (the tenants). */
  register<T>(
    descriptors: readonly MetricDescriptor[],
    items: () => Iterable<T>,
    observeItem: (item: T, observe: ObserveGauge) => void,
  ): void;
}

/** A {@link GaugeRegistry} that the exporting readers collect in chunks. */
export interface GaugeProducer extends GaugeRegistry {
  /**
   * One collection in chunks of about `maxPoints` points (never splitting an item), the event loop running between
   * two chunks: what an exporter sends as it goes, without holding every point of thousands of tenants at once.
   */
  collectChunks(maxPoints: number): AsyncGenerator<CollectionResult>;
  /** {@link collectChunks}, each chunk written straight into an OTLP/protobuf request by `encoder`. */
  collectRequests(
    maxPoints: number,
    encoder: MetricsEncoder,
  ): AsyncGenerator<{ request: EncodedRequest; errors: unknown[] }>;
}

interface Registration {
  readonly descriptors: readonly MetricDescriptor[];
  readonly items: () => Iterable<unknown>;
  readonly observeItem: (item: unknown, observe: ObserveGauge) => void;
}

/**
 * Gauges whose points are built at each collection from the agent's state, without the SDK's per-series storage:
 * the SDK keeps hashed attributes and several accumulations per series and per reader (about 2 KB each), which
 * thousands of tenants times hundreds of series per tenant cannot afford. A gauge reports what is observed now:
 * series observed no more are not exported again.
 */
export function createGaugeProducer(
  resource: Resource,
  scope: InstrumentationScope,
  clock: () => number = Date.now,
): GaugeProducer {
  const registrations: Registration[] = [];
  const startTime = millisToHrTime(clock());

  /** One collection into chunks made by `start`: each full one is given out, the event loop running after it. */
  async function* collectInto<C extends ChunkSink>(
    maxPoints: number,
    start: (endTime: HrTime) => C,
  ): AsyncGenerator<C> {
    const endTime = millisToHrTime(clock());
    let chunk = start(endTime);
    for (const registration of registrations) {
      chunk.use(registration.descriptors);
      let items: Iterable<unknown>;
      try {
        items = registration.items();
      } catch (error) {
        chunk.errors.push(error);
        continue;
      }
      for (const item of items) {
        try {
          registration.observeItem(item, chunk.observe);
        } catch (error) {
          chunk.errors.push(error);
        }
        if (chunk.points < maxPoints) continue;
        yield chunk;
        await new Promise((resolve) => setImmediate(resolve));
        chunk = start(endTime);
        chunk.use(registration.descriptors);
      }
    }
    if (chunk.points > 0 || chunk.errors.length > 0) yield chunk;
  }

  async function* collectChunks(maxPoints: number): AsyncGenerator<CollectionResult> {
    for await (const chunk of collectInto(maxPoints, (endTime) => new Chunk(startTime, endTime)))
      yield chunk.result(resource, scope);
  }

  async function* collectRequests(maxPoints: number, encoder: MetricsEncoder) {
    const start = (endTime: HrTime) =>
      Object.assign(encoder.startGaugeRequest(resource, scope, startTime, endTime), { errors: [] as unknown[] });
    for await (const chunk of collectInto(maxPoints, start)) yield { request: chunk.finish(), errors: chunk.errors };
  }

  return {
    register(descriptors, items, observeItem) {
      registrations.push({ descriptors, items, observeItem: observeItem as Registration['observeItem'] });
    },
    collectChunks,
    collectRequests,
  };
}

/** Where one chunk of a collection goes. */
interface ChunkSink {
  readonly errors: unknown[];
  readonly points: number;
  readonly observe: ObserveGauge;
  use(descriptors: readonly MetricDescriptor[]): void;
}

/** The points of one chunk of a collection, by metric, in registration order. */
class Chunk implements ChunkSink {
  readonly errors: unknown[] = [];
  points = 0;
  readonly #metrics = new Map<string, { descriptor: MetricDescriptor; points: DataPoint<number>[] }>();
  #current = new Map<string, DataPoint<number>[]>();
  readonly #startTime: HrTime;
  readonly #endTime: HrTime;
  readonly observe: ObserveGauge;

  constructor(startTime: HrTime, endTime: HrTime) {
    this.#startTime = startTime;
    this.#endTime = endTime;
    this.observe = (name, value, attributes) => {
      const points = this.#current.get(name);
      if (!points) return;
      points.push(
        Array.isArray(attributes)
          ? new PartsDataPoint(this.#startTime, this.#endTime, value, attributes as AttributeParts)
          : { startTime: this.#startTime, endTime: this.#endTime, attributes: attributes as Attributes, value },
      );
      this.points++;
    };
  }

  /** Makes the next observations go to these gauges. */
  use(descriptors: readonly MetricDescriptor[]): void {
    this.#current = new Map();
    for (const descriptor of descriptors) {
      const entry = this.#metrics.get(descriptor.name) ?? { descriptor, points: [] };
      this.#metrics.set(descriptor.name, entry);
      this.#current.set(descriptor.name, entry.points);
    }
  }

  result(resource: Resource, scope: InstrumentationScope): CollectionResult {
    const metrics = [...this.#metrics.values()]
      .filter((metric) => metric.points.length > 0)
      .map((metric): MetricData => ({
        descriptor: metric.descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: metric.points,
      }));
    return {
      resourceMetrics: { resource, scopeMetrics: metrics.length === 0 ? [] : [{ scope, metrics }] },
      errors: this.errors,
    };
  }
}
