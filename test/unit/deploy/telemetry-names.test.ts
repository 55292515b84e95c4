import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { EVENTS, METRICS } from '../../../src/catalogue/catalogue.ts';
import { readRepoFile, repoPath } from './deploy-files.ts';
import { prometheusCatalogue, toPrometheusLabelName } from './prometheus-name.ts';

/** Every file that queries or names m365-health's telemetry: dashboards, rules and their tests, monitors, the guide. */
const FILES = [
  ...[
    'deploy/grafana/dashboards',
    'deploy/prometheus/rules',
    'deploy/datadog',
    'deploy/newrelic',
    'test/fixtures/prometheus',
  ].flatMap((dir) => readdirSync(repoPath(dir)).map((name) => `${dir}/${name}`)),
  'docs/alerting.md',
];

/** The names as OpenTelemetry spells them (Datadog, New Relic): metrics, events and every attribute. */
const DOTTED = new Set([
  ...METRICS.flatMap((metric) => [metric.name, ...metric.attributes]),
  ...EVENTS.flatMap((event) => [event.name, ...event.attributes]),
]);

/** The names as Prometheus (metrics and labels) and Loki (event attributes as structured metadata) spell them. */
const UNDERSCORED = new Set([
  ...[...prometheusCatalogue(METRICS).values()].flatMap((metric) => [metric.name, ...metric.labels]),
  ...EVENTS.flatMap((event) => event.attributes.map(toPrometheusLabelName)),
]);

/** The `m365.…` and `m365_…` names a text uses; Datadog's `{{tag.name}}` template variables count as the tag. */
export function namesIn(text: string): string[] {
  const untemplated = text.replace(/\{\{\s*[#/^]?\s*(?:is_\w+\s+)?(m365\.[\w.]+?)\.name\s*\}\}/g, '$1');
  return [...untemplated.matchAll(/\bm365[._][\w.]*\w/g)].map((match) => match[0]);
}

/** The names a file uses that the telemetry catalogue does not have, as sentences. */
function unknownNames(file: string, text: string): string[] {
  return [...new Set(namesIn(text))]
    .filter((name) => !(name.startsWith('m365.') ? DOTTED : UNDERSCORED).has(name))
    .map((name) => `${file}: ${name} is not in the telemetry catalogue`);
}

describe('names used by dashboards, alert rules and monitors', () => {
  test('reads dotted and underscored names, and Datadog tag variables', () => {
    assert.deepEqual(
      namesIn(
        'max:m365.service.health{*} by {m365.tenant.name} {{m365.service.name.name}} m365_poll_success_ratio{x}.',
      ),
      ['m365.service.health', 'm365.tenant.name', 'm365.service.name', 'm365_poll_success_ratio'],
    );
    assert.deepEqual(namesIn('m365-health, m365health'), []);
  });

  test('the check can fail: old and misspelt names are reported', () => {
    assert.deepEqual(unknownNames('f', 'm365.service.healthy m365_service_healthy m365.tenant.name m365.event.name'), [
      'f: m365.service.healthy is not in the telemetry catalogue',
      'f: m365_service_healthy is not in the telemetry catalogue',
      'f: m365.event.name is not in the telemetry catalogue',
    ]);
  });

  test('every file names only metrics, events and attributes of the catalogue', () => {
    assert.ok(FILES.length >= 8, FILES.join());
    assert.deepEqual(
      FILES.flatMap((file) => unknownNames(file, readRepoFile(file))),
      [],
    );
  });

  test('the renamed names are used as renamed', () => {
    const all = FILES.map(readRepoFile).join('\n');
    for (const old of [/m365_service_status_ratio/, /\.previous\b/, /(?<![\w.])event\.name/]) {
      assert.doesNotMatch(all, old);
    }
  });
});
