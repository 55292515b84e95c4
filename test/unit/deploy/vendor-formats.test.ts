import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { list, readRepoFile, record } from './deploy-files.ts';

const json = (file: string): unknown => JSON.parse(readRepoFile(file)) as unknown;

/** Widget types of Datadog's dashboard API (/api/v1/dashboard) that these files use. */
const DATADOG_WIDGETS = new Set(['query_table', 'timeseries', 'query_value', 'toplist', 'list_stream']);

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

  test('every widget has a known type and requests, and every metric query filters on the tenant', () => {
    const widgets = list(dashboard['widgets']).map((w) => record(record(w)['definition']));
    assert.ok(widgets.length >= 6);
    for (const widget of widgets) {
      assert.ok(DATADOG_WIDGETS.has(String(widget['type'])), String(widget['type']));
      const requests = list(widget['requests']).map(record);
      assert.ok(requests.length > 0, String(widget['title']));
      for (const request of requests) {
        const query = String(request['q'] ?? record(request['query'])['query_string']);
        assert.match(query, /\$tenant/, String(widget['title']));
      }
    }
    const queries = widgets.flatMap((w) => list(w['requests']).map((r) => String(record(r)['q'])));
    for (const metric of ['m365.service.health', 'm365.service.issues', 'm365.poll.success', 'm365.data.age'])
      assert.ok(
        queries.some((q) => q.includes(`:${metric}{`)),
        metric,
      );
  });
});

describe('deploy/datadog/monitors.json (Datadog monitor API, one object per monitor)', () => {
  const monitors = list(json('deploy/datadog/monitors.json')).map(record);

  test('each monitor has a name, a type, a query whose threshold is its critical threshold, and a message', () => {
    assert.equal(monitors.length, 3);
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
  const widgets = list(dashboard['pages']).flatMap((page) => list(record(page)['widgets']).map(record));

  test('has a name, a permission, pages of widgets on the 12-column grid, each with NRQL', () => {
    assert.equal(typeof dashboard['name'], 'string');
    assert.ok(['PUBLIC_READ_WRITE', 'PUBLIC_READ_ONLY', 'PRIVATE'].includes(String(dashboard['permissions'])));
    assert.ok(widgets.length >= 6);
    for (const widget of widgets) {
      const layout = record(widget['layout']);
      assert.ok(Number(layout['column']) >= 1 && Number(layout['column']) + Number(layout['width']) - 1 <= 12);
      assert.ok(Number(layout['row']) >= 1 && Number(layout['height']) >= 1);
      assert.match(String(record(widget['visualization'])['id']), /^viz\.\w+$/);
      const queries = list(record(widget['rawConfiguration'])['nrqlQueries']).map(record);
      assert.ok(queries.length > 0, String(widget['title']));
      for (const query of queries) {
        assert.ok(Array.isArray(query['accountIds']), 'accountIds');
        assert.match(
          String(query['query']),
          /^SELECT .+ FROM (Metric|Log) WHERE m365\.tenant\.name IN \(\{\{tenant\}\}\)/,
        );
      }
    }
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
    assert.equal(conditions.length, 3);
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
});
