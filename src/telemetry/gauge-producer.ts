import type { Attributes, HrTime } from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type GaugeMetricData,
  type ResourceMetrics,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import type { AttributeParts, GaugeWriter, ObservedDescriptor } from './otlp/metrics-encoder.ts';

/**
 * Reports the current value of one series of a registered gauge; its attributes as one object, or as shared parts
 * (what the protobuf encoder copies instead of encoding: {@link AttributeParts}).
 */
export type ObserveGauge = (name: string, value: number, attributes: Attributes | AttributeParts) => void;

/** Where gauges read straight from the agent's state are registered. */
export interface GaugeRegistry {
  /** Registers gauges: at each collection, `observeItem` reports the series of each of the `items()` (the tenants). */
  register<T>(
    descriptors: readonly ObservedDescriptor[],
    items: () => Iterable<T>,
    observeItem: (item: T, observe: ObserveGauge) => void,
  ): void;
}

/** Makes the writer of one chunk of a collection: a {@link GaugeChunk}, or `MetricsEncoder.startGaugeRequest`. */
export type StartGaugeWriter<T> = (
  resource: Resource,
  scope: InstrumentationScope,
  startTime: HrTime,
  endTime: HrTime,
) => GaugeWriter<T>;

/** A {@link GaugeRegistry} that the exporting readers collect in chunks. */
export interface GaugeProducer extends GaugeRegistry {
  /**
   * One collection in chunks of about `maxPoints` points (never splitting an item), each written by a writer of
   * `start`, the event loop running between two chunks: what an exporter sends as it goes, without holding every
   * point of thousands of tenants at once.
   */
  collect<T>(maxPoints: number, start: StartGaugeWriter<T>): AsyncGenerator<{ chunk: T; errors: unknown[] }>;
}

interface Registration {
  readonly descriptors: readonly ObservedDescriptor[];
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

  async function* collect<T>(maxPoints: number, start: StartGaugeWriter<T>) {
    const endTime = millisToHrTime(clock());
    let writer = start(resource, scope, startTime, endTime);
    let errors: unknown[] = [];
    for (const registration of registrations) {
      writer.use(registration.descriptors);
      let items: Iterable<unknown>;
      try {
        items = registration.items();
      } catch (error) {
        errors.push(error);
        continue;
      }
      for (const item of items) {
        try {
          registration.observeItem(item, writer.observe);
        } catch (error) {
          errors.push(error);
        }
        if (writer.points < maxPoints) continue;
        yield { chunk: writer.finish(), errors };
        await new Promise((resolve) => setImmediate(resolve));
        writer = start(resource, scope, startTime, endTime);
        errors = [];
        writer.use(registration.descriptors);
      }
    }
    if (writer.points > 0 || errors.length > 0) yield { chunk: writer.finish(), errors };
  }

  return {
    register(descriptors, items, observeItem) {
      registrations.push({ descriptors, items, observeItem: observeItem as Registration['observeItem'] });
    },
    collect,
  };
}

/** The points of one chunk of a collection as the SDK's metrics, by metric, in registration order. */
export class GaugeChunk implements GaugeWriter<ResourceMetrics> {
  points = 0;
  readonly observe: ObserveGauge;
  readonly #metrics = new Map<string, GaugeMetricData | SumMetricData>();
  #current = new Map<string, DataPoint<number>[]>();
  readonly #resource: Resource;
  readonly #scope: InstrumentationScope;

  constructor(resource: Resource, scope: InstrumentationScope, startTime: HrTime, endTime: HrTime) {
    this.#resource = resource;
    this.#scope = scope;
    this.observe = (name, value, attributes) => {
      const points = this.#current.get(name);
      if (!points) return;
      const flat = (
        Array.isArray(attributes) ? Object.assign({}, ...(attributes as AttributeParts)) : attributes
      ) as Attributes;
      points.push({ startTime, endTime, attributes: flat, value });
      this.points++;
    };
  }

  use(descriptors: readonly ObservedDescriptor[]): void {
    this.#current = new Map();
    for (const descriptor of descriptors) {
      let metric = this.#metrics.get(descriptor.name);
      if (metric === undefined) {
        const common = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPoints: [] };
        metric =
          descriptor.upDown === true
            ? { ...common, dataPointType: DataPointType.SUM, isMonotonic: false }
            : { ...common, dataPointType: DataPointType.GAUGE };
        this.#metrics.set(descriptor.name, metric);
      }
      this.#current.set(descriptor.name, metric.dataPoints);
    }
  }

  finish(): ResourceMetrics {
    const metrics = [...this.#metrics.values()].filter((metric) => metric.dataPoints.length > 0);
    return { resource: this.#resource, scopeMetrics: metrics.length === 0 ? [] : [{ scope: this.#scope, metrics }] };
  }
}
