import type { MetricDefinition } from '../../../src/catalogue/catalogue.ts';

/** The OTLP data point kinds that matter to the Prometheus name. */
export type OtlpMetricType = 'gauge' | 'monotonic-counter' | 'non-monotonic-sum' | 'histogram';

/** UCUM units and their Prometheus words, as the translation maps them; other units are kept as written. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

/** The denominator of `X/Y` units, singular. */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** Splits on everything that is not a letter, a digit or `:` (underscores included, so runs of them collapse). */
function tokens(text: string): string[] {
  return text.split(/[^a-zA-Z0-9:]+/).filter((token) => token !== '');
}

/** The unit words to append: `s` → `seconds`, `By/s` → `bytes`, `per_second`; nothing for `{request}` or `1`. */
function unitSuffixes(unit: string): string[] {
  const [main = '', per] = unit.split(/\/(.*)/s, 2);
  const suffixes: string[] = [];
  const mainUnit = main.trim();
  if (mainUnit !== '' && !/[{}]/.test(mainUnit)) suffixes.push(tokens(UNIT_WORDS[mainUnit] ?? mainUnit).join('_'));
  const perUnit = per?.trim() ?? '';
  if (perUnit !== '' && !/[{}]/.test(perUnit))
    suffixes.push(`per_${tokens(PER_UNIT_WORDS[perUnit] ?? perUnit).join('_')}`);
  return suffixes.filter((suffix) => suffix !== '' && suffix !== 'per_');
}

/**
 * The name the OpenTelemetry Collector's Prometheus exporter gives an OTLP metric with its default translation
 * (underscore escaping with suffixes): name split into tokens on any character other than letters, digits and
 * `:`; the unit word appended unless already a token; `total` moved to the end of monotonic counters; `ratio` at
 * the end of gauges of unit `1`; tokens joined by `_`; a leading digit prefixed with `_`.
 */
export function toPrometheusMetricName(name: string, unit: string, type: OtlpMetricType): string {
  let parts = tokens(name);
  for (const suffix of unitSuffixes(unit)) if (!parts.includes(suffix)) parts.push(suffix);
  if (type === 'monotonic-counter') parts = [...parts.filter((part) => part !== 'total'), 'total'];
  if (unit === '1' && type === 'gauge') parts = [...parts.filter((part) => part !== 'ratio'), 'ratio'];
  const joined = parts.join('_');
  return /^\d/.test(joined) ? `_${joined}` : joined;
}

/**
 * The label an attribute becomes: every character other than letters, digits and `_` turns into `_`; a name
 * starting with a digit gets `key_` in front, one starting with a single `_` gets `key`.
 */
export function toPrometheusLabelName(attribute: string): string {
  const escaped = attribute.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^\d/.test(escaped)) return `key_${escaped}`;
  return /^_[^_]/.test(escaped) ? `key${escaped}` : escaped;
}

/** A catalogue metric as the Prometheus exporter shows it. */
export interface PrometheusMetric {
  readonly name: string;
  readonly labels: ReadonlySet<string>;
  readonly source: string;
}

/** Labels the exporter adds to every series: job and instance from the resource, the instrumentation scope. */
export const EXPORTER_LABELS: readonly string[] = [
  'job',
  'instance',
  'otel_scope_name',
  'otel_scope_version',
  'otel_scope_schema_url',
];

/** The OTLP data point kind of a catalogue instrument: counters are monotonic sums, up-down counters other sums. */
function otlpTypeOf(instrument: MetricDefinition['instrument']): OtlpMetricType {
  if (instrument === 'counter') return 'monotonic-counter';
  return instrument === 'gauge' ? 'gauge' : 'non-monotonic-sum';
}

/** The Prometheus names and labels of the catalogue's metrics. */
export function prometheusCatalogue(metrics: readonly MetricDefinition[]): Map<string, PrometheusMetric> {
  const result = new Map<string, PrometheusMetric>();
  for (const metric of metrics) {
    const type = otlpTypeOf(metric.instrument);
    const name = toPrometheusMetricName(metric.name, metric.unit, type);
    const labels = new Set([...metric.attributes.map(toPrometheusLabelName), ...EXPORTER_LABELS]);
    result.set(name, { name, labels, source: metric.name });
  }
  return result;
}
