import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { ENTRY_VARIABLE_NAMES } from '../../../src/health/entry-variables.ts';
import { DEFAULT_SEVERITY_TEXTS } from '../../../src/health/severity-rules.ts';
import { EVENTS, METRICS, type MetricDefinition } from '../../../src/catalogue/catalogue.ts';

const read = (name: string) => readFile(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

/** The collector's Prometheus name for the units and instruments of this catalogue. */
function prometheusName(metric: MetricDefinition): string {
  const base = metric.name.replaceAll('.', '_');
  if (metric.instrument === 'counter') return `${base}_total`;
  if (metric.unit === 's') return `${base}_seconds`;
  return metric.unit === '1' && metric.instrument === 'gauge' ? `${base}_ratio` : base;
}

const ATTRIBUTES = new Set([...METRICS, ...EVENTS].flatMap((entry) => entry.attributes));
const NAMES = new Set([...METRICS, ...EVENTS].map((entry) => entry.name));

describe('docs/alerting.md', () => {
  test('queries only name metrics, labels and attributes the agent emits', async () => {
    const text = await read('alerting.md');
    const prometheus = new Set(METRICS.map(prometheusName));
    const labels = new Set([...ATTRIBUTES].map((name) => name.replaceAll('.', '_')));
    for (const token of new Set(text.match(/\bm365_[a-z_]+\b/g))) {
      assert.ok(
        prometheus.has(token) || labels.has(token),
        `${token} is neither a Prometheus metric name nor a label of the catalogue`,
      );
    }
    for (const token of new Set(text.match(/\bm365\.[a-z_.]*[a-z_]\b/g))) {
      assert.ok(NAMES.has(token) || ATTRIBUTES.has(token), `${token} is not in the catalogue`);
    }
  });

  test('every page rule pages on critical (2) only, never on warnings or stale data', async () => {
    const text = await read('alerting.md');
    const rules = await readFile(new URL('../../../deploy/prometheus/rules/m365-health.yml', import.meta.url), 'utf8');
    assert.match(
      rules,
      /max by \(m365_tenant_name, m365_service_name\) \(m365_service_health_ratio\) == 2\n\s+for: 5m\n\s+labels:\n\s+severity: page/,
    );
    const monitors = await readFile(new URL('../../../deploy/datadog/monitors.json', import.meta.url), 'utf8');
    assert.match(
      monitors,
      /min\(last_5m\):max:m365\.service\.health\{\*\} by \{m365\.tenant\.name,m365\.service\.name\} == 2/,
    );
    assert.match(text, /equals 2 for at least 5 minutes/);
    const code = [rules, monitors, ...(text.match(/```[\s\S]*?```/g) ?? [])].join('\n');
    assert.doesNotMatch(code, /health[^\n]*(>=\s*2|>\s*1\b)/, 'no query compares health with >= 2 or > 1');
  });
});

describe('docs/severity.md', () => {
  test('states the built-in rule as the expressions the code uses, and every variable', async () => {
    const text = await read('severity.md');
    assert.ok(text.includes(`critical: '${DEFAULT_SEVERITY_TEXTS.critical}'`));
    assert.ok(text.includes(`warning: '${DEFAULT_SEVERITY_TEXTS.warning}'`));
    for (const name of ENTRY_VARIABLE_NAMES)
      assert.ok(text.includes(`| \`%{${name}}\` |`), `variable ${name} is documented`);
  });
});
