import type { Attributes, HrTime } from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type IMetricReader,
  type MetricData,
  type MetricDescriptor,
  type MetricProducer,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/** Reports the current value of one series of a registered gauge. */
export type ObserveGauge = (name: string, value: number, attributes: Attributes) => void;

/** Where gauges read straight from the agent's state are registered. */
export interface GaugeRegistry {
  /** Registers gauges and the callback that observes all their series at each collection. */
  register(descriptors: readonly MetricDescriptor[], callback: (observe: ObserveGauge) => void): void;
}

/** A {@link GaugeRegistry} that readers collect from like from the SDK. */
export interface GaugeProducer extends GaugeRegistry, MetricProducer {}

interface Registration {
  readonly descriptors: readonly MetricDescriptor[];
  readonly callback: (observe: ObserveGauge) => void;
}

/**
 * Gauges whose points are built at each collection from the agent's state, without the SDK's per-series storage:
 * the SDK keeps hashed attributes and several accumulations per series and per reader (about 2 KB each), which
 * thousands of tenants times hundreds of series per tenant cannot afford. A gauge reports what is observed now:
 * series observed no more are not exported again.
 */
export function createGaugeProducer(resource: Resource, scope: InstrumentationScope, clock: () => number = Date.now): GaugeProducer {
  const registrations: Registration[] = [];
  const startTime = millisToHrTime(clock());
  return {
    register(descriptors, callback) {
      registrations.push({ descriptors, callback });
    },
    async collect(): Promise<CollectionResult> {
      const endTime = millisToHrTime(clock());
      const errors: unknown[] = [];
      const metrics: MetricData[] = [];
      for (const registration of registrations) {
        try {
          metrics.push(...collectRegistration(registration, startTime, endTime));
        } catch (error) {
          errors.push(error);
        }
      }
      return { resourceMetrics: { resource, scopeMetrics: metrics.length === 0 ? [] : [{ scope, metrics }] }, errors };
    },
  };
}

function collectRegistration(registration: Registration, startTime: HrTime, endTime: HrTime): MetricData[] {
  const points = new Map<string, DataPoint<number>[]>(registration.descriptors.map((d) => [d.name, []]));
  registration.callback((name, value, attributes) => points.get(name)?.push({ startTime, endTime, attributes, value }));
  return registration.descriptors
    .map((descriptor): MetricData => ({
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: points.get(descriptor.name)!,
    }))
    .filter((metric) => metric.dataPoints.length > 0);
}

/** Puts the gauges' metrics beside the SDK's, in the SDK's scope entry when it is the same scope. */
function mergeCollections(sdk: CollectionResult, gauges: CollectionResult): CollectionResult {
  const scopeMetrics: ScopeMetrics[] = [...sdk.resourceMetrics.scopeMetrics];
  for (const extra of gauges.resourceMetrics.scopeMetrics) {
    const index = scopeMetrics.findIndex((s) => s.scope.name === extra.scope.name && s.scope.version === extra.scope.version);
    if (index < 0) scopeMetrics.push(extra);
    else scopeMetrics[index] = { scope: extra.scope, metrics: [...scopeMetrics[index]!.metrics, ...extra.metrics] };
  }
  return { resourceMetrics: { resource: sdk.resourceMetrics.resource, scopeMetrics }, errors: [...sdk.errors, ...gauges.errors] };
}

/**
 * A reader that collects the gauge producer's metrics together with the SDK's: whatever reader it wraps (OTLP, the
 * demo's terminal view, a test's) sees every metric, through public interfaces only.
 */
export function withGauges(reader: IMetricReader, gauges: MetricProducer): IMetricReader {
  return {
    setMetricProducer: (sdk) =>
      reader.setMetricProducer({
        collect: async (options) => mergeCollections(...(await Promise.all([sdk.collect(options), gauges.collect(options)]))),
      }),
    selectAggregation: (type) => reader.selectAggregation(type),
    selectAggregationTemporality: (type) => reader.selectAggregationTemporality(type),
    selectCardinalityLimit: (type) => reader.selectCardinalityLimit(type),
    collect: (options) => reader.collect(options),
    shutdown: (options) => reader.shutdown(options),
    forceFlush: (options) => reader.forceFlush(options),
  };
}
