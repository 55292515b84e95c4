import { EVENTS, METRICS, type MetricDefinition, type SeriesUnit } from '../src/catalogue/catalogue.ts';
import { LEGACY_FEATURE_CATALOGUE } from '../src/health/feature-groups.ts';
import { STATE_SET_STATUSES } from '../src/health/status.ts';
import { HEALTH_WORDS } from '../src/health/estate.ts';
import { CLASSIFICATIONS } from '../src/telemetry/series-parts.ts';

/** Services of the tenant the series are counted for: the 27 of the simulator's default scenario. */
export const DEFAULT_TENANT_SERVICES = 27;

/** Feature groups of the legacy catalogue: one `m365.feature.health` series each, issue or not. */
export const LEGACY_FEATURE_GROUPS = Object.values(LEGACY_FEATURE_CATALOGUE).flat().length;

/** At most this many series per tenant of 27 services with the default configuration. */
export const SERIES_BUDGET = 100;

/**
 * Series of a metric for a tenant of {@link DEFAULT_TENANT_SERVICES} services and no issue, after one good poll
 * (one status code seen, HTTP 200, and no error), signing in with a client secret, from what its catalogue entry says
 * one series stands for.
 */
export function tenantSeries(metric: MetricDefinition): number {
  const each: Record<SeriesUnit, number> = {
    service: DEFAULT_TENANT_SERVICES,
    'service and state': DEFAULT_TENANT_SERVICES * STATE_SET_STATUSES.length,
    'service and classification': DEFAULT_TENANT_SERVICES * CLASSIFICATIONS.length,
    'feature group': LEGACY_FEATURE_GROUPS,
    tenant: 1,
    'tenant with a credential that expires': 0,
    'tenant and status code': 1,
    'tenant and error type': 0,
    'process and reason': 0,
    'process and outcome': 0,
    'process, service and health': 0,
    'process and classification': 0,
  };
  return each[metric.seriesPer];
}

/** Series per tenant at one collection with the default configuration: what the cardinality test measures. */
export const DEFAULT_TENANT_SERIES = METRICS.filter((metric) => metric.enabled).reduce(
  (sum, metric) => sum + tenantSeries(metric),
  0,
);

/** The same with every metric turned on. */
export const ALL_METRICS_TENANT_SERIES = METRICS.reduce((sum, metric) => sum + tenantSeries(metric), 0);

const SERIES_WORDS: Record<SeriesUnit, string> = {
  service: 'one per service',
  'service and state': `${STATE_SET_STATUSES.length} per service`,
  'service and classification': `${CLASSIFICATIONS.length} per service`,
  'feature group': 'one per feature group',
  tenant: 'one',
  'tenant with a credential that expires': 'one when the expiry is known, else none',
  'tenant and status code': 'one per status code seen',
  'tenant and error type': 'one per error type seen',
  'process and reason': 'none (one per reason, per process)',
  'process and outcome': 'none (one per exporter and outcome, per process)',
  'process, service and health': `none (${HEALTH_WORDS.length} per service of the estate, per process)`,
  'process and classification': `none (${CLASSIFICATIONS.length} per process)`,
};

/** Series of the fleet gauges, per process, for an estate whose tenants show {@link DEFAULT_TENANT_SERVICES} services. */
export const FLEET_SERIES = DEFAULT_TENANT_SERVICES * HEALTH_WORDS.length + CLASSIFICATIONS.length;

const HEADER = `<!-- Generated from src/catalogue/catalogue.ts by \`npm run docs\`; do not edit by hand. -->
# Telemetry reference

Every metric and event m365-health emits. Each data point carries \`m365.tenant.name\` (and \`m365.service.id\`,
\`m365.service.name\` where a service is concerned), because some backends (Datadog) do not turn resource attributes
into tags; a tenant's name is unique in a configuration, so its id, a GUID or a domain, is left to the events, which
carry \`m365.tenant.id\` too. The resource carries \`service.name\` (\`m365-health\` or \`OTEL_SERVICE_NAME\`),
\`service.version\`, \`service.instance.id\` (the same across restarts:
[setup.md](setup.md#8-where-telemetry-goes-the-exporter-and-the-otel_-variables)), the SDK's \`telemetry.sdk.*\` and
\`OTEL_RESOURCE_ATTRIBUTES\`.

Turn a metric on or off with \`metrics: { <name>: { enabled: true } }\` (or \`false\`) in the configuration. How health
is decided, and how to change it with \`severity\` rules: [severity.md](severity.md). Starter alert rules:
[alerting.md](alerting.md). What changed from the names before: [CHANGELOG.md](../CHANGELOG.md).
`;

function cardinality(): string[] {
  const on = METRICS.filter((metric) => metric.enabled && tenantSeries(metric) > 0);
  const parts = on.map((metric) => `${tenantSeries(metric)} \`${metric.name}\``).join(', ');
  return [
    '## Series per tenant',
    '',
    `With the default configuration, a tenant showing ${DEFAULT_TENANT_SERVICES} services and no issue reports`,
    `**${DEFAULT_TENANT_SERIES} series** at a collection (${parts}), within the budget of ${SERIES_BUDGET}; with every`,
    `metric on, ${ALL_METRICS_TENANT_SERIES}. The count is the catalogue's, and a test measures it on an export. Each further HTTP`,
    'status code or error type seen adds one series (`m365.graph.requests`, `m365.poll.errors`), a tenant signing in',
    'with a certificate, or with a secret whose expiry is read from Graph, one (`m365.credential.expiry`, not counted',
    'above), and with',
    '`m365.feature.health` on, so does each feature group named by an issue outside the legacy catalogue. Issue ids,',
    'titles and texts never become attributes: they are in the events, which are log records, not series.',
    '',
    `The fleet gauges (\`m365.fleet.*\`) have no tenant attribute: whatever the number of tenants, a process reports`,
    `${HEALTH_WORDS.length} series per service of the estate and ${CLASSIFICATIONS.length} more, **${FLEET_SERIES} series** when the tenants show ${DEFAULT_TENANT_SERVICES} services.`,
    '',
    'Off by default, because an alert or a dashboard needs neither every minute for every tenant:',
    '',
    `- \`m365.service.status\`: ${STATE_SET_STATUSES.length} series per service, where \`m365.service.health\` already says`,
    "  whether to act, and each change of Graph's status is an `m365.service.status_change` event with the state before",
    '  and after.',
    `- \`m365.feature.health\`: ${LEGACY_FEATURE_GROUPS} series for the feature groups of the legacy catalogue, where the service's`,
    '  health already counts their issues, and each `m365.issue.update` event names the feature group hit.',
    '',
  ];
}

/** Unit words of the OpenTelemetry-to-Prometheus translation, for the units of this catalogue. */
const UNIT_WORDS: Readonly<Record<string, string>> = { s: 'seconds', By: 'bytes', ms: 'milliseconds' };

/**
 * A metric's name as Prometheus shows it through the collector's `prometheus` and `prometheusremotewrite` exporters
 * and Prometheus's own OTLP receiver (underscore escaping with suffixes, their default): dots become underscores,
 * the unit's word is appended (none for `{…}` annotations), `_total` to monotonic sums only, `_ratio` to gauges of
 * unit `1` only, so an UpDownCounter of unit `1` keeps its bare name.
 */
export function prometheusName(metric: MetricDefinition): string {
  const base = metric.name.replaceAll('.', '_');
  if (metric.instrument === 'counter') return `${base}_total`;
  if (metric.unit === '1') return metric.instrument === 'gauge' ? `${base}_ratio` : base;
  const word = UNIT_WORDS[metric.unit];
  return word === undefined ? base : `${base}_${word}`;
}

function prometheusNames(): string[] {
  return [
    '## In Prometheus',
    '',
    "Through the collector's `prometheus` or `prometheusremotewrite` exporter, or Prometheus's own OTLP receiver, with",
    'their default translation: dots become underscores in metric and label names (`m365.tenant.name` is',
    '`m365_tenant_name`), the unit is appended as a word, monotonic counters end in `_total`, and only gauges of unit',
    '`1` end in `_ratio`; `m365.service.status`, an UpDownCounter, keeps its bare name.',
    '',
    '| metric | in Prometheus |',
    '|---|---|',
    ...METRICS.map((metric) => `| \`${metric.name}\` | \`${prometheusName(metric)}\` |`),
    '',
  ];
}

const EVENTS_INTRO = [
  '## Events',
  '',
  'Events are OpenTelemetry log records with `EventName` set. The name is also in the `otel.event.name` attribute,',
  'the stable attribute of the semantic conventions for destinations that have no field for it: New Relic maps a',
  "record's attributes, severity, body and trace context to its `Log` type but lists no `EventName`",
  '([OpenTelemetry logs in New Relic](https://docs.newrelic.com/docs/opentelemetry/best-practices/opentelemetry-best-practices-logs/)),',
  "while Datadog's OTLP intake maps `EventName` to its own `otel.event_name` attribute, in the Agent's OTLP ingest and,",
  "since [DataDog/datadog-agent#48584](https://github.com/DataDog/datadog-agent/pull/48584), the collector's Datadog",
  'exporter too. The deprecated `event.name` attribute is no longer sent.',
  '',
  'Each carries `m365.event.id`: one per change (a service that goes down twice has two) and the same on every copy',
  'of it (a record sent again, a change detected again after a crash), so deduplicate on it alone; its form is in',
  '[reliability.md](reliability.md#event-identity).',
  '',
  '## Export metrics',
  '',
  'The agent counts its own OTLP exports by the semantic conventions for SDK self-metrics',
  '([otel.sdk.exporter.*](https://opentelemetry.io/docs/specs/semconv/otel/sdk-metrics/)):',
  '`otel.sdk.exporter.metric_data_point.exported` and `otel.sdk.exporter.log.exported`, with `error.type` on failures only,',
  '`otel.component.type` (`otlp_http_metric_exporter`, `otlp_http_log_exporter`, `_json_` between for OTLP/JSON) and',
  '`otel.component.name` (the type and `/0`). Requests are counted in `m365.export.requests`, with the same attributes, where the',
  'conventions count them in the histogram `otel.sdk.exporter.operation.duration`, which the agent does not write. They are',
  'process-wide: a series per exporter and `error.type` seen. A collection counts the exports finished before',
  'it, so an export is counted by the next one, and while every export fails the counts reach the collector with the first',
  'export it accepts again: with cumulative temporality (the default) they then tell the whole outage; with delta, the',
  'counts carried by refused requests are lost with them. The log and `/status` tell of a failure at once.',
  '',
];

function code(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Renders `docs/telemetry.md` from the catalogue. */
export function renderTelemetryDocs(): string {
  const metrics = METRICS.map(
    (m) =>
      `| \`${m.name}\` | ${m.instrument} (${m.valueType}) | \`${m.unit}\` | ${m.enabled ? 'yes' : 'no'} | ${SERIES_WORDS[m.seriesPer]} | ${escapeCell(m.description)} | ${code(m.attributes)} |`,
  );
  const events = EVENTS.map(
    (e) =>
      `| \`${e.name}\` | ${e.enabled ? 'yes' : 'no'} | ${escapeCell(e.severity)} | ${escapeCell(e.description)} | ${code(e.attributes)} |`,
  );
  return [
    HEADER,
    '## Metrics',
    '',
    '| name | instrument | unit | on by default | series per tenant | description | attributes |',
    '|---|---|---|---|---|---|---|',
    ...metrics,
    '',
    ...cardinality(),
    ...prometheusNames(),
    ...EVENTS_INTRO,
    '| event name | on by default | severity | description | attributes |',
    '|---|---|---|---|---|',
    ...events,
    '',
  ].join('\n');
}
