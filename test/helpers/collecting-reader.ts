import type { Attributes } from '@opentelemetry/api';
import { MetricReader } from '@opentelemetry/sdk-metrics';

/** A metric reader that exports nothing: tests call {@link collectPoints} to read the instruments at that instant. */
export class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One data point of one metric at a collection. */
export interface CollectedPoint {
  name: string;
  attributes: Attributes;
  value: number;
}

/** Collects every data point the reader's meter provider holds now (a sum's value, a gauge's last value). */
export async function collectPoints(reader: MetricReader): Promise<CollectedPoint[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
  return resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.flatMap((metric) =>
      metric.dataPoints.map((point) => ({
        name: metric.descriptor.name,
        attributes: point.attributes,
        value: Number(point.value),
      })),
    ),
  );
}

/** The series of a collection: one key per metric name and attribute set. */
export function seriesKeys(points: readonly CollectedPoint[]): Set<string> {
  const sorted = (attributes: Attributes) =>
    JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return new Set(points.map((point) => `${point.name} ${sorted(point.attributes)}`));
}
