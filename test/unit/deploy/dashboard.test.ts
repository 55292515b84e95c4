import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { METRICS } from '../../../src/catalogue/catalogue.ts';
import { textOf } from '../../helpers/text-of.ts';
import { list, readRepoFile, readYaml, record } from './deploy-files.ts';
import { prometheusCatalogue } from './prometheus-name.ts';
import { readPromqlNames, readTemplateLabels } from './promql-names.ts';

const DASHBOARD_FILE = 'deploy/grafana/dashboards/m365-health.json';
const dashboard = record(JSON.parse(readRepoFile(DASHBOARD_FILE)));
const catalogue = prometheusCatalogue(METRICS);

/** A query of the dashboard: where it is, its PromQL and the label templates that render its results. */
interface Query {
  where: string;
  expr: string;
  templates: string[];
}

function panelsOf(value: unknown): Record<string, unknown>[] {
  return list(value).flatMap((panel) => [record(panel), ...panelsOf(record(panel)['panels'])]);
}

/** The dashboard's annotations that query a data source of the given type. */
function annotationsOf(type: string): Record<string, unknown>[] {
  return list(record(dashboard['annotations'])['list'])
    .map(record)
    .filter((annotation) => record(annotation['datasource'])['type'] === type);
}

/** The panels of the estate, the dashboard's first row: those above the next row. */
function estatePanels(): Record<string, unknown>[] {
  const panels = panelsOf(dashboard['panels']);
  const y = (panel: Record<string, unknown>) => Number(record(panel['gridPos'])['y']);
  const next = panels.find((panel, index) => index > 0 && panel['type'] === 'row');
  return panels.filter((panel) => panel['type'] !== 'row' && y(panel) < (next ? y(next) : Infinity));
}

function queries(): Query[] {
  const fromPanels = panelsOf(dashboard['panels']).flatMap((panel) =>
    list(panel['targets']).map((target) => ({
      where: `panel "${String(panel['title'])}"`,
      expr: textOf(record(target)['expr'] ?? ''),
      templates: [textOf(record(target)['legendFormat'] ?? '')],
    })),
  );
  const fromAnnotations = annotationsOf('prometheus').map((annotation) => ({
    where: `annotation "${String(annotation['name'])}"`,
    expr: String(annotation['expr']),
    templates: [textOf(annotation['titleFormat'] ?? ''), textOf(annotation['textFormat'] ?? '')],
  }));
  return [...fromPanels, ...fromAnnotations];
}

/** What is wrong with the names a query uses, measured against the catalogue after the Prometheus translation. */
function checkQuery(query: Query): string[] {
  const { identifiers, labels } = readPromqlNames(query.expr);
  const problems: string[] = [];
  const metrics = identifiers.filter((id) => catalogue.has(id));
  for (const id of identifiers.filter((name) => name.startsWith('m365_') && !catalogue.has(name))) {
    problems.push(`${query.where}: ${id} is not a metric of the telemetry catalogue`);
  }
  if (metrics.length === 0) problems.push(`${query.where}: queries no m365-health metric`);
  const known = new Set(metrics.flatMap((name) => [...catalogue.get(name)!.labels]));
  const templated = [...labels, ...query.templates.flatMap(readTemplateLabels)];
  const on = metrics.join(', ') || 'any queried metric';
  for (const label of templated) if (!known.has(label)) problems.push(`${query.where}: label ${label} is not on ${on}`);
  return problems;
}

describe('readPromqlNames', () => {
  test('separates identifiers from label names, ignoring strings, ranges and variables', () => {
    const names = readPromqlNames(
      'sum by (code, le) (rate(x_total{a=~"$v", b!="y{z}"}[$__rate_interval])) / on(c) group_left(d) up or vector(0)',
    );
    assert.deepEqual(names.identifiers, ['sum', 'rate', 'x_total', 'up', 'or', 'vector']);
    assert.deepEqual(names.labels, ['code', 'le', 'c', 'd', 'a', 'b']);
    assert.deepEqual(readTemplateLabels('{{a}} and {{ b }}: {{$value}}'), ['a', 'b']);
  });
});

describe(DASHBOARD_FILE, () => {
  test('every query names metrics of the telemetry catalogue and labels they carry', () => {
    const all = queries();
    assert.ok(all.length >= 12, `${all.length} queries`);
    assert.deepEqual(all.flatMap(checkQuery), []);
  });

  test('the check can fail: unknown metrics, untranslated names and foreign labels are reported', () => {
    const bad = [
      { where: 'a', expr: 'm365_service_health{m365_tenant_name="x"}', templates: [] },
      { where: 'b', expr: 'sum by (error_type) (m365_poll_success_ratio)', templates: ['{{m365_service_name}}'] },
      { where: 'c', expr: 'up', templates: [] },
    ];
    assert.deepEqual(bad.flatMap(checkQuery), [
      'a: m365_service_health is not a metric of the telemetry catalogue',
      'a: queries no m365-health metric',
      'a: label m365_tenant_name is not on any queried metric',
      'b: label error_type is not on m365_poll_success_ratio',
      'b: label m365_service_name is not on m365_poll_success_ratio',
      'c: queries no m365-health metric',
    ]);
  });

  test('has a tenant variable from the health metric, and every query below the estate filters on it', () => {
    const variables = list(record(dashboard['templating'])['list']).map(record);
    const tenant = variables.find((variable) => variable['name'] === 'tenant');
    assert.ok(tenant);
    const definition = String(tenant['definition']);
    const match = /^label_values\((\w+),\s*(\w+)\)$/.exec(definition);
    assert.ok(match, definition);
    assert.ok(catalogue.get(match[1])?.labels.has(match[2]), definition);
    const estate = new Set(estatePanels().map((panel) => `panel "${String(panel['title'])}"`));
    for (const query of queries().filter((q) => !estate.has(q.where)))
      assert.match(query.expr, /m365_tenant_name=~?"\$tenant"/, query.where);
  });

  test('opens on the estate: tenants per service and health, with open issues, expiring credentials, failing polls', () => {
    const panels = estatePanels();
    assert.equal(panelsOf(dashboard['panels'])[0]['title'], 'Estate');
    const exprs = panels.flatMap((p) => list(p['targets']).map((t) => String(record(t)['expr'])));
    for (const expr of exprs) assert.doesNotMatch(expr, /\$tenant/, 'the estate is every tenant');
    const byService = panels.find((p) => p['type'] === 'table');
    assert.equal(
      String(record(list(byService?.['targets'])[0])['expr']),
      'sum by (m365_service_name, m365_service_health_state) (m365_fleet_service_tenants)',
    );
    for (const part of [
      /^sum\(m365_fleet_issue_tenants\{m365_issue_classification="incident"\}\)/,
      /^sum\(m365_fleet_issue_tenants\{m365_issue_classification="advisory"\}\)/,
      /^count\(min by \(m365_tenant_name\) \(m365_credential_expiry_seconds\) < 30 \* 86400\)/,
      /^count\(max by \(m365_tenant_name\) \(m365_poll_success_ratio\) == 0\)/,
    ])
      assert.ok(
        exprs.some((e) => part.test(e)),
        String(part),
      );
  });

  test('shows what the deployment guide promises', () => {
    const panels = panelsOf(dashboard['panels']);
    const exprOf = (type: string) =>
      panels.filter((p) => p['type'] === type).flatMap((p) => list(p['targets']).map((t) => String(record(t)['expr'])));
    assert.ok(
      exprOf('state-timeline').some((e) => e.includes('m365_service_health_ratio')),
      'service health grid',
    );
    assert.ok(
      exprOf('table').some((e) => e.includes('m365_service_issues')),
      'open issues table',
    );
    const all = queries()
      .map((q) => q.expr)
      .join('\n');
    for (const name of [
      'm365_poll_success_ratio',
      'm365_poll_duration_seconds',
      'm365_data_age_seconds',
      'm365_graph_requests_total',
    ]) {
      assert.ok(all.includes(name), `self-monitoring: ${name}`);
    }
    assert.match(all, /http_response_status_code="429"/);
    const annotations = list(record(dashboard['annotations'])['list']).map((a) => textOf(record(a)['expr'] ?? ''));
    assert.ok(
      annotations.some((e) => /^changes\(m365_service_health_ratio\{/.test(e)),
      'health changes as annotations',
    );
  });

  test('asks for its Prometheus data source on import, as an export for sharing does', () => {
    assert.deepEqual(
      list(dashboard['__inputs']).map((input) => {
        const { name, type, pluginId } = record(input);
        return { name, type, pluginId };
      }),
      [{ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }],
    );
    const refs = [
      ...panelsOf(dashboard['panels'])
        .filter((p) => p['type'] !== 'row')
        .flatMap((p) => [p['datasource'], ...list(p['targets']).map((t) => record(t)['datasource'])]),
      ...list(record(dashboard['templating'])['list'])
        .map(record)
        .filter((v) => v['type'] === 'query')
        .map((v) => v['datasource']),
      ...annotationsOf('prometheus').map((a) => a['datasource']),
    ];
    assert.ok(refs.length >= 16, `${refs.length} references`);
    for (const ref of refs) assert.deepEqual(ref, { type: 'prometheus', uid: '${DS_PROMETHEUS}' });
  });

  test('in the demo, its DS_PROMETHEUS variable stands for the provisioned data source', () => {
    const provisioned = list(
      record(readYaml('deploy/grafana/provisioning/datasources/prometheus.yaml'))['datasources'],
    ).map(record);
    const variable = list(record(dashboard['templating'])['list'])
      .map(record)
      .find((v) => v['name'] === 'DS_PROMETHEUS');
    assert.ok(variable);
    assert.equal(variable['type'], 'datasource');
    assert.equal(variable['query'], 'prometheus');
    assert.equal(record(variable['current'])['value'], provisioned[0]['uid']);
    const imported = readRepoFile(DASHBOARD_FILE).replaceAll('${DS_PROMETHEUS}', 'their-prometheus');
    assert.equal(imported.split(String(provisioned[0]['uid'])).length - 1, 1, 'the demo uid only as a default');
  });

  test('shows the events as annotations from a Loki data source, off until one is chosen', () => {
    const loki = annotationsOf('loki');
    assert.deepEqual(
      loki.map((a) => a['name']),
      ['Status changes', 'Issue updates'],
    );
    const variable = list(record(dashboard['templating'])['list'])
      .map(record)
      .find((v) => v['type'] === 'datasource' && v['query'] === 'loki');
    assert.ok(variable, 'a Loki data source variable');
    for (const annotation of loki) {
      assert.deepEqual(annotation['datasource'], { type: 'loki', uid: `\${${String(variable['name'])}}` });
      assert.equal(annotation['enable'], false, 'the demo has no Loki');
      assert.match(
        String(annotation['expr']),
        /^\{service_name="m365-health"\} (\| \w+ != "" )+\| m365_tenant_name=~"\$tenant"$/,
      );
    }
  });

  test('is loaded by the dashboard provider from the directory compose mounts', () => {
    const providers = list(
      record(readYaml('deploy/grafana/provisioning/dashboards/m365-health.yaml'))['providers'],
    ).map(record);
    const path = String(record(providers[0]['options'])['path']);
    const compose = readRepoFile('docker-compose.yml');
    assert.ok(compose.includes(`./deploy/grafana/dashboards:${path}:ro`), path);
    assert.equal(dashboard['uid'], 'm365-health');
  });
});
