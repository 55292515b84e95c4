import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** Data points in `metrics`. */
export function countPoints(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
  return points;
}

/** `metrics` in requests of at most `maxPoints` points, a metric split between two when it has to be; none when empty. */
export function splitByPoints(metrics: ResourceMetrics, maxPoints: number): ResourceMetrics[] {
  const batches: ResourceMetrics[] = [];
  let room = 0;
  for (const { scope, metrics: all } of metrics.scopeMetrics)
    for (const metric of all)
      for (let offset = 0; offset < metric.dataPoints.length;) {
        if (room === 0) {
          batches.push({ resource: metrics.resource, scopeMetrics: [] });
          room = maxPoints;
        }
        const { scopeMetrics } = batches[batches.length - 1];
        if (scopeMetrics.at(-1)?.scope !== scope) scopeMetrics.push({ scope, metrics: [] });
        const count = Math.min(room, metric.dataPoints.length - offset);
        const dataPoints = metric.dataPoints.slice(offset, (offset += count));
        scopeMetrics[scopeMetrics.length - 1].metrics.push({ ...metric, dataPoints } as MetricData);
        room -= count;
      }
  return batches;
}

/** `second`'s metrics after `first`'s, in `first`'s scope entry when it is the same scope. */
export function joinMetrics(first: ResourceMetrics, second: ResourceMetrics): ResourceMetrics {
  const scopeMetrics = [...first.scopeMetrics];
  for (const extra of second.scopeMetrics) {
    const index = scopeMetrics.findIndex(
      (s) => s.scope.name === extra.scope.name && s.scope.version === extra.scope.version,
    );
    if (index < 0) scopeMetrics.push(extra);
    else scopeMetrics[index] = { scope: extra.scope, metrics: [...scopeMetrics[index].metrics, ...extra.metrics] };
  }
  return { resource: first.resource, scopeMetrics };
}
