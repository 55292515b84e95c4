import type { Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult, type InstrumentationScope } from '@opentelemetry/core';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import { MeterProvider, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExportingReader } from '../../src/telemetry/exporting-reader.ts';
import { createGaugeProducer } from '../../src/telemetry/gauge-producer.ts';

/** An interval no test waits for: tests export by flushing. */
export const NEVER_MS = 3_600_000;

/** A metric exporter that keeps what it is sent: tests flush, then read what the agent's readers exported. */
export class CollectingExporter implements PushMetricExporter {
  readonly #exports: ResourceMetrics[] = [];

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.#exports.push(metrics);
    done({ code: ExportResultCode.SUCCESS });
  }

  /** The exports since the last call. */
  take(): ResourceMetrics[] {
    return this.#exports.splice(0);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

/** One data point of one metric at a collection. */
export interface CollectedPoint {
  name: string;
  attributes: Attributes;
  value: number;
}

/** Every data point that `flush` exports to `exporter` (a sum's value, a gauge's last value). */
export async function collectPoints(
  exporter: CollectingExporter,
  flush: () => Promise<void>,
): Promise<CollectedPoint[]> {
  exporter.take();
  await flush();
  return exporter.take().flatMap((metrics) =>
    metrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.dataPoints.map((point) => ({
          name: metric.descriptor.name,
          attributes: point.attributes,
          value: Number(point.value),
        })),
      ),
    ),
  );
}

/**
 * A meter and a gauge registry exported the agent's way, by an {@link ExportingReader}, to a
 * {@link CollectingExporter}: `exports()` and `points()` flush it and read what it was sent.
 */
export function createCollectingMeter(
  scope: InstrumentationScope = { name: 'test' },
  resource: Resource = emptyResource(),
  clock?: () => number,
) {
  const gauges = createGaugeProducer(resource, scope, clock);
  const exporter = new CollectingExporter();
  const reader = new ExportingReader({
    exporter,
    gauges,
    intervalMs: NEVER_MS,
    timeoutMs: 10_000,
    maxPoints: Infinity,
  });
  const meter = new MeterProvider({ resource, readers: [reader] }).getMeter(scope.name, scope.version);
  const flush = () => reader.forceFlush();
  return {
    meter,
    gauges,
    exports: async () => {
      exporter.take();
      await flush();
      return exporter.take();
    },
    points: () => collectPoints(exporter, flush),
  };
}

/** The series of a collection: one key per metric name and attribute set. */
export function seriesKeys(points: readonly CollectedPoint[]): Set<string> {
  const sorted = (attributes: Attributes) =>
    JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return new Set(points.map((point) => `${point.name} ${sorted(point.attributes)}`));
}
