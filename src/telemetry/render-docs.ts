import { EVENTS, METRICS } from './catalogue.ts';

const HEADER = `<!-- Generated from src/telemetry/catalogue.ts by \`npm run docs\`; do not edit by hand. -->
# Telemetry reference

Every metric and event m365-health emits. Each data point and event carries the identity attributes
\`m365.tenant.id\` and \`m365.tenant.name\` (and \`m365.service.id\`, \`m365.service.name\` where a service is concerned), because
some backends (Datadog) do not turn resource attributes into tags. The resource carries \`service.name\`
(\`m365-health\` or \`OTEL_SERVICE_NAME\`), \`service.version\`, \`service.instance.id\` and \`OTEL_RESOURCE_ATTRIBUTES\`.

Turn a metric off with \`metrics: { <name>: { enabled: false } }\` in the configuration.
`;

function code(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Renders `docs/telemetry.md` from the catalogue. */
export function renderTelemetryDocs(): string {
  const metrics = METRICS.map(
    (m) => `| \`${m.name}\` | ${m.instrument} (${m.valueType}) | \`${m.unit}\` | ${m.enabled ? 'yes' : 'no'} | ${escapeCell(m.description)} | ${code(m.attributes)} |`,
  );
  const events = EVENTS.map((e) => `| \`${e.name}\` | ${escapeCell(e.severity)} | ${escapeCell(e.description)} | ${code(e.attributes)} |`);
  return [
    HEADER,
    '## Metrics',
    '',
    '| name | instrument | unit | on by default | description | attributes |',
    '|---|---|---|---|---|---|',
    ...metrics,
    '',
    '## Events',
    '',
    'Events are OpenTelemetry log records with `EventName` set; the name is mirrored in the `event.name` attribute for',
    'backends that only see attributes (New Relic).',
    '',
    '| event name | severity | description | attributes |',
    '|---|---|---|---|',
    ...events,
    '',
  ].join('\n');
}
