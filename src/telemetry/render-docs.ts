import { EVENTS, METRICS } from '../catalogue/catalogue.ts';
import { LEGACY_FEATURE_CATALOGUE } from '../health/feature-groups.ts';
import { STATE_SET_STATUSES } from '../health/status.ts';

/**
 * Series per tenant at one collection with the default configuration, for a tenant showing the 27 services of the
 * simulator's default scenario and no issue, after one good poll. Stated in `docs/telemetry.md`; the cardinality
 * test measures it with the real instruments and fails when the two differ.
 */
export const DEFAULT_TENANT_SERIES = 443;

/** Services of that tenant. */
export const DEFAULT_TENANT_SERVICES = 27;

/** Series of each service: health, one per state of the status state set, open incidents and open advisories. */
export const SERIES_PER_SERVICE = 1 + STATE_SET_STATUSES.length + 2;

/** Feature groups of the legacy catalogue: one `m365.feature.health` series each, issue or not. */
export const LEGACY_FEATURE_GROUPS = Object.values(LEGACY_FEATURE_CATALOGUE).flat().length;

/** Tenant gauges (poll duration, poll success, data age, token expiry) and `m365.graph.requests` for HTTP 200. */
export const SERIES_PER_TENANT = 5;

const HEADER = `<!-- Generated from src/catalogue/catalogue.ts by \`npm run docs\`; do not edit by hand. -->
# Telemetry reference

Every metric and event m365-health emits. Each data point and event carries the identity attributes
\`m365.tenant.id\` and \`m365.tenant.name\` (and \`m365.service.id\`, \`m365.service.name\` where a service is concerned), because
some backends (Datadog) do not turn resource attributes into tags. The resource carries \`service.name\`
(\`m365-health\` or \`OTEL_SERVICE_NAME\`), \`service.version\`, \`service.instance.id\` (the same across restarts:
[setup.md](setup.md#8-where-telemetry-goes-the-exporter-and-the-otel_-variables)), the SDK's \`telemetry.sdk.*\` and
\`OTEL_RESOURCE_ATTRIBUTES\`.

Turn a metric off with \`metrics: { <name>: { enabled: false } }\` in the configuration. How health is decided, and
how to change it with \`severity\` rules: [severity.md](severity.md). Starter alert rules: [alerting.md](alerting.md).
`;

const CARDINALITY = [
  '## Series per tenant',
  '',
  `With the default configuration, a tenant showing ${DEFAULT_TENANT_SERVICES} services and no issue reports **${DEFAULT_TENANT_SERIES} series**`,
  `at a collection: ${SERIES_PER_SERVICE} per service (\`m365.service.health\`, ${SERIES_PER_SERVICE - 3} states of \`m365.service.status\`, two`,
  `classifications of \`m365.service.issues\`), ${LEGACY_FEATURE_GROUPS} \`m365.feature.health\` series for the feature groups of the legacy`,
  `catalogue, and ${SERIES_PER_TENANT} for the tenant (four gauges, and \`m365.graph.requests\` for HTTP 200). Each feature group named by`,
  'an issue outside the legacy catalogue adds one series, as does each further HTTP status code or error type seen',
  '(`m365.graph.requests`, `m365.poll.errors`). Issue ids, titles and texts never become attributes: they are in the events,',
  'which are log records, not series. `m365.events.dropped` adds at most four series per process.',
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
      `| \`${m.name}\` | ${m.instrument} (${m.valueType}) | \`${m.unit}\` | ${m.enabled ? 'yes' : 'no'} | ${escapeCell(m.description)} | ${code(m.attributes)} |`,
  );
  const events = EVENTS.map(
    (e) =>
      `| \`${e.name}\` | ${e.enabled ? 'yes' : 'no'} | ${escapeCell(e.severity)} | ${escapeCell(e.description)} | ${code(e.attributes)} |`,
  );
  return [
    HEADER,
    '## Metrics',
    '',
    '| name | instrument | unit | on by default | description | attributes |',
    '|---|---|---|---|---|---|',
    ...metrics,
    '',
    ...CARDINALITY,
    '## Events',
    '',
    'Events are OpenTelemetry log records with `EventName` set; the name is mirrored in the `event.name` attribute for',
    'backends that only see attributes (New Relic). Each carries `m365.event.id`: one per change (a service that goes',
    'down twice has two) and the same on every copy of it (a record sent again, a change detected again after a crash),',
    'so deduplicate on it alone; its form is in [reliability.md](reliability.md#event-identity).',
    '',
    '| event name | on by default | severity | description | attributes |',
    '|---|---|---|---|---|',
    ...events,
    '',
  ].join('\n');
}
