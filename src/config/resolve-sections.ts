import { dirname, resolve } from 'node:path';
import { isPlainObject, quoteValue } from './describe-value.ts';
import { isMetricName } from './identifiers.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { sectionOf } from './setting.ts';
import type { MetricToggle } from './types.ts';
import { METRICS } from '../telemetry/catalogue.ts';

/** The per-metric switches of the `metrics` section, keyed by metric name; names must be in the telemetry catalogue. */
export function resolveMetrics(raw: unknown, sink: ProblemSink): Record<string, MetricToggle> {
  const toggles: [string, MetricToggle][] = [];
  for (const [name, toggle] of Object.entries(sectionOf(raw))) {
    if (!isMetricName(name)) {
      const message = `${quoteValue(name)} is not a metric name: lowercase and dot-separated, like m365.service.status`;
      reportProblem(sink, ['metrics'], message, { atKey: name });
    } else if (!METRICS.some((metric) => metric.name === name)) {
      const known = METRICS.map((metric) => metric.name).join(', ');
      reportProblem(sink, ['metrics'], `unknown metric ${quoteValue(name)}; known metrics: ${known}`, { atKey: name });
    }
    if (isPlainObject(toggle) && typeof toggle['enabled'] === 'boolean') {
      toggles.push([name, { enabled: toggle['enabled'] }]);
    }
  }
  return Object.fromEntries(toggles);
}

/** `state.dir`, made absolute against the config file's directory; `undefined` keeps state in memory only. */
export function resolveStateDir(raw: unknown, file: string): string | undefined {
  const dir = sectionOf(raw)['dir'];
  return typeof dir === 'string' && dir !== '' ? resolve(dirname(file), dir) : undefined;
}
