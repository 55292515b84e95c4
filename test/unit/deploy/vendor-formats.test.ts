import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { list, readRepoFile, record } from './deploy-files.ts';

const json = (file: string): unknown => JSON.parse(readRepoFile(file)) as unknown;

/** Widget types of Datadog's dashboard API (/api/v1/dashboard) that these files use. */
const DATADOG_WIDGETS = new Set(['query_table', 'timeseries', 'query_value', 'toplist', 'list_stream']);

/** The query strings of a Datadog widget: its requests' `q`, their formula queries, or their log query. */
function datadogQueries(widget: Record<string, unknown>): string[] {
  return list(widget['requests'])
    .map(record)
    .flatMap((request) =>
      request['queries'] !== undefined
        ? list(request['queries']).map((query) => String(record(query)['query']))
        : [String(request['q'] ?? record(request['query'])['query_string'])],
    );
}

describe('deploy/datadog/dashboard.json (Datadog dashboard API / Import dashboard JSON)', () => {
  const dashboard = record(json('deploy/datadog/dashboard.json'));

  test('has the fields the API requires, and a tenant template variable on the tenant tag', () => {
    assert.equal(typeof dashboard['title'], 'string');
    assert.ok(['ordered', 'free'].includes(String(dashboard['layout_type'])));
    const variables = list(dashboard['template_variables']).map(record);
    assert.deepEqual(
      variables.map((v) => [v['name'], v['prefix']]),
      [['tenant', 'm365.tenant.name']],
    );
  });

  const definitions = list(dashboard['widgets']).map((w) => record(record(w)['definition']));
  const [estate, ...widgets] = definitions;
  const estateWidgets = list(estate['widgets']).map((w) => record(record(w)['definition']));

  test('opens on a group of the estate, whose queries span every tenant', () => {
    assert.equal(estate['type'], 'group');
    assert.equal(estate['layout_type'], 'ordered');
    assert.match(String(estate['title']), /^Estate/);
    const queries = estateWidgets.flatMap(datadogQueries);
    for (const widget of estateWidgets) {
      assert.ok(DATADOG_WIDGETS.has(String(widget['type'])), String(widget['type']));
      assert.ok(datadogQueries(widget).length > 0, String(widget['title']));
    }
    for (const query of queries) assert.doesNotMatch(query, /\$tenant/, query);
    for (const part of [
      'sum:m365.fleet.service.tenants{m365.service.health_state:critical} by {m365.service.name}',
      'sum:m365.fleet.issue.tenants{m365.issue.classification:incident}',
      'sum:m365.fleet.issue.tenants{m365.issue.classification:advisory}',
      'count_not_null(cutoff_max(min:m365.credential.expiry{*} by {m365.tenant.name}, 2592000))',
      'count_not_null(cutoff_max(max:m365.poll.success{*} by {m365.tenant.name}, 0))',
    ])
      assert.ok(queries.includes(part), part);
  });

  test('below the estate, every widget has a known type and requests, and every query filters on the tenant', () => {
    assert.ok(widgets.length >= 6);
    for (const widget of widgets) {
      assert.ok(DATADOG_WIDGETS.has(String(widget['type'])), String(widget['type']));
      const queries = datadogQueries(widget);
      assert.ok(queries.length > 0, String(widget['title']));
      for (const query of queries) assert.match(query, /\$tenant/, String(widget['title']));
    }
    const queries = widgets.flatMap(datadogQueries);
    for (const metric of ['m365.service.health', 'm365.service.issues', 'm365.poll.success', 'm365.data.age'])
      assert.ok(
        queries.some((q) => q.includes(`:${metric}{`)),
        metric,
      );
  });
});

describe('deploy/datadog/monitors.json (Datadog monitor API, one object per monitor)', () => {
  const monitors = list(json('deploy/datadog/monitors.json')).map(record);

  test('a credential tickets per tenant at 30 days, and pages once for every tenant at 7 days or expired', () => {
    const credential = monitors.filter((m) => String(m['query']).includes('m365.credential.expiry'));
    assert.deepEqual(
      credential.map((m) => [m['query'], /@your-(pager|ticket-queue)$/.exec(String(m['message']))?.[1]]),
      [
        [
          'max(last_5m):min:m365.credential.expiry{*} by {m365.tenant.name,m365.credential.kind} < 2592000',
          'ticket-queue',
        ],
        ['max(last_5m):min:m365.credential.expiry{*} < 604800', 'pager'],
      ],
    );
  });

  test('no monitor reads the fleet gauges: they are for the dashboard', () => {
    for (const monitor of monitors) assert.doesNotMatch(String(monitor['query']), /fleet/);
  });

  test('each monitor has a name, a type, a query whose threshold is its critical threshold, and a message', () => {
    assert.equal(monitors.length, 5);
    for (const monitor of monitors) {
      assert.equal(monitor['type'], 'query alert');
      assert.ok(String(monitor['name']) && String(monitor['message']));
      const match = /^\w+\(last_\d+[mh]\):.+ (==|<|>|<=|>=) (-?\d+)$/.exec(String(monitor['query']));
      assert.ok(match, String(monitor['query']));
      assert.equal(record(record(monitor['options'])['thresholds'])['critical'], Number(match[2]));
    }
  });

  test('the silence monitor pages on no data per tenant, from the agent own series, and only on no data', () => {
    const silent = monitors.find((m) => record(m['options'])['notify_no_data'] === true);
    assert.ok(silent);
    assert.match(String(silent['query']), /m365\.poll\.success\{\*\} by \{m365\.tenant\.name\} < 0$/);
    assert.equal(record(silent['options'])['no_data_timeframe'], 10);
    assert.match(String(silent['message']), /^\{\{#is_no_data\}\}/);
  });
});

/** New Relic's dashboard JSON: what NerdGraph's dashboardCreate and the UI's Import dashboard take. */
describe('deploy/newrelic/dashboard.json (New Relic Import dashboard JSON)', () => {
  const dashboard = record(json('deploy/newrelic/dashboard.json'));
  const [estate, ...pages] = list(dashboard['pages']).map(record);
  const estateWidgets = list(estate['widgets']).map(record);
  const widgets = pages.flatMap((page) => list(page['widgets']).map(record));
  const queriesOf = (widget: Record<string, unknown>) =>
    list(record(widget['rawConfiguration'])['nrqlQueries']).map((query) => String(record(query)['query']));

  test('opens on the estate: every tenant, the fleet gauges summed over the replicas', () => {
    assert.equal(estate['name'], 'Estate');
    const queries = estateWidgets.flatMap(queriesOf);
    assert.ok(queries.length >= 6);
    for (const query of queries) {
      assert.match(
        query,
        /^SELECT .+ FROM \(SELECT .+ FROM Metric FACET .+\) .*SINCE \d+ minutes ago( LIMIT MAX)?$/,
        query,
      );
      assert.doesNotMatch(query, /\{\{tenant\}\}/, query);
    }
    for (const metric of ['m365.fleet.service.tenants', 'm365.fleet.issue.tenants'])
      assert.ok(
        queries.some((q) => q.includes(`(${metric})`) && q.includes('FACET service.instance.id')),
        metric,
      );
    for (const metric of ['m365.credential.expiry', 'm365.poll.success'])
      assert.ok(
        queries.some((q) => q.includes(`(${metric})`)),
        metric,
      );
  });

  test('has a name, a permission, pages of widgets on the 12-column grid, each with NRQL', () => {
    assert.equal(typeof dashboard['name'], 'string');
    assert.ok(['PUBLIC_READ_WRITE', 'PUBLIC_READ_ONLY', 'PRIVATE'].includes(String(dashboard['permissions'])));
    assert.ok(widgets.length >= 6);
    for (const widget of [...estateWidgets, ...widgets]) {
      const layout = record(widget['layout']);
      assert.ok(Number(layout['column']) >= 1 && Number(layout['column']) + Number(layout['width']) - 1 <= 12);
      assert.ok(Number(layout['row']) >= 1 && Number(layout['height']) >= 1);
      assert.match(String(record(widget['visualization'])['id']), /^viz\.\w+$/);
      const queries = list(record(widget['rawConfiguration'])['nrqlQueries']).map(record);
      assert.ok(queries.length > 0, String(widget['title']));
      for (const query of queries) assert.ok(Array.isArray(query['accountIds']), 'accountIds');
    }
    for (const query of widgets.flatMap(queriesOf))
      assert.match(query, /^SELECT .+ FROM (Metric|Log) WHERE m365\.tenant\.name IN \(\{\{tenant\}\}\)/);
  });

  test('its tenant variable lists the tenants from the health metric', () => {
    const variable = record(list(dashboard['variables'])[0]);
    assert.equal(variable['name'], 'tenant');
    assert.equal(variable['type'], 'NRQL');
    assert.match(String(record(variable['nrqlQuery'])['query']), /uniques\(m365\.tenant\.name\) FROM Metric/);
  });
});

describe('deploy/newrelic/alert-conditions.json (NerdGraph alertsNrqlConditionStaticCreate inputs)', () => {
  const conditions = list(json('deploy/newrelic/alert-conditions.json')).map(record);

  test('each condition has a name, NRQL, and thresholds or a loss-of-signal expiration that opens an incident', () => {
    assert.equal(conditions.length, 4);
    for (const condition of conditions) {
      assert.ok(String(condition['name']) && typeof condition['enabled'] === 'boolean');
      assert.match(String(record(condition['nrql'])['query']), /^SELECT .+ FROM Metric FACET m365\.tenant\.name/);
      const terms = list(condition['terms']).map(record);
      for (const term of terms) {
        assert.ok(['CRITICAL', 'WARNING'].includes(String(term['priority'])));
        assert.ok(
          ['ABOVE', 'ABOVE_OR_EQUALS', 'BELOW', 'BELOW_OR_EQUALS', 'EQUALS', 'NOT_EQUALS'].includes(
            String(term['operator']),
          ),
        );
        assert.ok(['ALL', 'AT_LEAST_ONCE'].includes(String(term['thresholdOccurrences'])));
        assert.equal(typeof term['thresholdDuration'], 'number');
      }
      const expiration = record(condition['expiration']);
      assert.ok(terms.length > 0 || expiration['openViolationOnExpiration'] === true, String(condition['name']));
    }
  });

  test('the silence condition is loss of signal on the agent own series, per tenant', () => {
    const silent = conditions.find((c) => record(c['expiration'])['openViolationOnExpiration'] === true);
    assert.ok(silent);
    assert.match(
      String(record(silent['nrql'])['query']),
      /count\(m365\.poll\.success\) FROM Metric FACET m365\.tenant\.name$/,
    );
    assert.equal(record(silent['expiration'])['expirationDuration'], 600);
  });

  test('a credential: a warning (ticket) under 30 days, critical (page) under 7 or expired, per tenant', () => {
    const credential = conditions.find((c) => String(record(c['nrql'])['query']).includes('m365.credential.expiry'));
    assert.ok(credential);
    assert.equal(
      record(credential['nrql'])['query'],
      'SELECT min(m365.credential.expiry) FROM Metric FACET m365.tenant.name, m365.credential.kind',
    );
    assert.deepEqual(
      list(credential['terms']).map((t) => [record(t)['priority'], record(t)['operator'], record(t)['threshold']]),
      [
        ['CRITICAL', 'BELOW', 604800],
        ['WARNING', 'BELOW', 2592000],
      ],
    );
    assert.equal(record(credential['expiration'])['closeViolationsOnExpiration'], true, 'a removed tenant closes');
  });

  test('no condition reads the fleet gauges: they are for the dashboard', () => {
    for (const condition of conditions) assert.doesNotMatch(String(record(condition['nrql'])['query']), /fleet/);
  });
});
