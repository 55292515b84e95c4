import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';

/** Data points in `metrics`. */
export function countPoints(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
  return points;
}

/** `metrics` in requests of at most `maxPoints` points, a metric split between two when it has to be; none when empty. */
export function splitByPoints(metrics: ResourceMetrics, maxPoints: number): ResourceMetrics[] {
  const batches: ResourceMetrics[] = [];
  let scopes: ScopeMetrics[] = [];
  let room = maxPoints;
  const close = () => {
    if (scopes.length > 0) batches.push({ resource: metrics.resource, scopeMetrics: scopes });
    scopes = [];
    room = maxPoints;
  };
  for (const { scope, metrics: all } of metrics.scopeMetrics) {
    let taken: MetricData[] | undefined;
    for (const metric of all) {
      for (let offset = 0; offset < metric.dataPoints.length;) {
        if (room === 0) {
          close();
          taken = undefined;
        }
        const count = Math.min(room, metric.dataPoints.length - offset);
        if (taken === undefined) scopes.push({ scope, metrics: (taken = []) });
        taken.push({ ...metric, dataPoints: metric.dataPoints.slice(offset, offset + count) } as MetricData);
        offset += count;
        room -= count;
      }
    }
  }
  close();
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
