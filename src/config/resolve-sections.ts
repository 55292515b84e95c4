import { dirname, resolve } from 'node:path';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { isPlainObject, quoteValue, reportProblem, type ProblemSink, suggestKey } from './problems.ts';
import { sectionOf } from './values.ts';
import type { MetricToggle } from './types.ts';
import { METRICS } from '../catalogue/catalogue.ts';

const METRIC_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/** A metric name as the catalogue writes them: lowercase, dot-separated, e.g. `m365.service.status`. */
function isMetricName(text: string): boolean {
  return METRIC_NAME.test(text);
}

/** The per-metric switches of the `metrics` section, keyed by metric name; names must be in the telemetry catalogue. */
export function resolveMetrics(raw: unknown, sink: ProblemSink): Record<string, MetricToggle> {
  const toggles: [string, MetricToggle][] = [];
  for (const [name, toggle] of Object.entries(sectionOf(raw))) {
    if (!isMetricName(name)) {
      const message = `${quoteValue(name)} is not a metric name: lowercase and dot-separated, like m365.service.status`;
      reportProblem(sink, ['metrics'], message, { atKey: name });
    } else if (!METRICS.some((metric) => metric.name === name)) {
      reportProblem(sink, ['metrics'], unknownMetricMessage(name), { atKey: name });
    }
    if (isPlainObject(toggle) && typeof toggle['enabled'] === 'boolean') {
      toggles.push([name, { enabled: toggle['enabled'] }]);
    }
  }
  return Object.fromEntries(toggles);
}

function unknownMetricMessage(name: string): string {
  const known = METRICS.map((metric) => metric.name);
  const suggestion = suggestKey(name, known);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return `unknown metric ${quoteValue(name)}${hint}; known metrics: ${known.join(', ')}`;
}

/** `state.dir`, made absolute against the config file's directory; `undefined` keeps state in memory only. */
export function resolveStateDir(raw: unknown, file: string): string | undefined {
  const dir = sectionOf(raw)['dir'];
  return typeof dir === 'string' && dir !== '' ? resolve(dirname(file), dir) : undefined;
}

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const MIN_SPOOL_BYTES = 1024 ** 2;
/** The most GiB whose byte count is exact; a longer number of bytes reads as a rounded value, or as Infinity. */
const MAX_SPOOL_GIB = Math.floor(Number.MAX_SAFE_INTEGER / 1024 ** 3);
const MAX_SPOOL_BYTES = MAX_SPOOL_GIB * 1024 ** 3;

/** Parses a size like `64MiB`, `512KiB`, `1GiB` or `4096B`; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+)\s*(B|KiB|MiB|GiB)$/.exec(text.trim());
  return match ? Number(match[1]) * SIZE_UNITS[match[2]] : undefined;
}

/** `state.spool_max_size`: the bound of the event spool, from 1 MiB (default: {@link CONFIG_DEFAULTS}). */
export function resolveSpoolMaxBytes(raw: unknown, sink: ProblemSink): number {
  const text = sectionOf(raw)['spool_max_size'];
  if (typeof text !== 'string') return CONFIG_DEFAULTS.state.spoolMaxBytes;
  const checked = checkSpoolSize(parseSize(text));
  if (typeof checked === 'number') return checked;
  reportProblem(sink, ['state', 'spool_max_size'], `${quoteValue(text)} ${checked}`);
  return CONFIG_DEFAULTS.state.spoolMaxBytes;
}

/** The size in bytes when it is a usable bound, else what is wrong with it. */
function checkSpoolSize(bytes: number | undefined): number | string {
  if (bytes === undefined) return 'is not a size; write a size such as "64MiB" or "1GiB" (units: B, KiB, MiB, GiB)';
  if (bytes < MIN_SPOOL_BYTES) return 'is below the minimum of 1MiB';
  if (bytes > MAX_SPOOL_BYTES) return `is above the maximum of ${MAX_SPOOL_GIB}GiB`;
  return bytes;
}
