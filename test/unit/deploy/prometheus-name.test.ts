import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { METRICS } from '../../../src/catalogue/catalogue.ts';
import { prometheusName } from '../../../scripts/render-docs.ts';
import { prometheusCatalogue, toPrometheusLabelName, toPrometheusMetricName } from './prometheus-name.ts';

describe('toPrometheusMetricName (the collector Prometheus exporter default translation)', () => {
  test('turns dots into underscores and appends the unit word', () => {
    assert.equal(toPrometheusMetricName('http.server.duration', 's', 'histogram'), 'http_server_duration_seconds');
    assert.equal(toPrometheusMetricName('memory.usage', 'By', 'gauge'), 'memory_usage_bytes');
    assert.equal(toPrometheusMetricName('queue.wait', 'ms', 'gauge'), 'queue_wait_milliseconds');
    assert.equal(toPrometheusMetricName('disk.io', 'By/s', 'gauge'), 'disk_io_bytes_per_second');
    assert.equal(toPrometheusMetricName('cpu.temp', 'Cel', 'gauge'), 'cpu_temp_celsius');
  });

  test('adds no unit word for annotations in braces, and never twice', () => {
    assert.equal(toPrometheusMetricName('m365.service.issues', '{issue}', 'gauge'), 'm365_service_issues');
    assert.equal(toPrometheusMetricName('rpc.requests', '{request}/s', 'gauge'), 'rpc_requests_per_second');
    assert.equal(toPrometheusMetricName('process.cpu.seconds', 's', 'monotonic-counter'), 'process_cpu_seconds_total');
  });

  test('ends monotonic counters in _total and gauges of unit 1 in _ratio, once', () => {
    assert.equal(toPrometheusMetricName('requests.count', '1', 'monotonic-counter'), 'requests_count_total');
    assert.equal(toPrometheusMetricName('jobs.total.done', '{job}', 'monotonic-counter'), 'jobs_done_total');
    assert.equal(toPrometheusMetricName('system.cpu.utilization', '1', 'gauge'), 'system_cpu_utilization_ratio');
    assert.equal(toPrometheusMetricName('hit.ratio', '1', 'gauge'), 'hit_ratio');
    assert.equal(toPrometheusMetricName('queue.size', '1', 'non-monotonic-sum'), 'queue_size');
  });

  test('collapses runs of separators and guards a leading digit', () => {
    assert.equal(toPrometheusMetricName('a..b__c-d', '', 'gauge'), 'a_b_c_d');
    assert.equal(toPrometheusMetricName('2xx.responses', '', 'gauge'), '_2xx_responses');
    assert.equal(toPrometheusMetricName('ns:metric.x', '', 'gauge'), 'ns:metric_x');
  });
});

describe('toPrometheusLabelName', () => {
  test('escapes what Prometheus labels cannot hold', () => {
    assert.equal(toPrometheusLabelName('m365.tenant.name'), 'm365_tenant_name');
    assert.equal(toPrometheusLabelName('http.response.status_code'), 'http_response_status_code');
    assert.equal(toPrometheusLabelName('1st.try'), 'key_1st_try');
    assert.equal(toPrometheusLabelName('_private'), 'key_private');
  });
});

describe('prometheusCatalogue', () => {
  test('gives the names the dashboards query', () => {
    const names = [...prometheusCatalogue(METRICS).keys()].sort();
    assert.deepEqual(names, [
      'm365_credential_expiry_seconds',
      'm365_data_age_seconds',
      'm365_events_dropped_total',
      'm365_export_requests_total',
      'm365_feature_health_ratio',
      'm365_fleet_issue_tenants',
      'm365_fleet_service_tenants',
      'm365_graph_requests_total',
      'm365_poll_duration_seconds',
      'm365_poll_errors_total',
      'm365_poll_success_ratio',
      'm365_service_health_ratio',
      'm365_service_issues',
      'm365_service_status',
      'm365_token_expiry_seconds',
      'otel_sdk_exporter_log_exported_total',
      'otel_sdk_exporter_metric_data_point_exported_total',
    ]);
  });

  test('gives the names docs/telemetry.md lists', () => {
    assert.deepEqual(
      [...prometheusCatalogue(METRICS).values()].map((metric) => metric.name),
      METRICS.map(prometheusName),
    );
  });

  test('carries the attributes as labels, plus what the exporter adds', () => {
    const requests = prometheusCatalogue(METRICS).get('m365_graph_requests_total')!;
    assert.equal(requests.source, 'm365.graph.requests');
    for (const label of ['m365_tenant_name', 'http_response_status_code', 'job', 'instance']) {
      assert.ok(requests.labels.has(label), label);
    }
    assert.equal(requests.labels.has('m365_service_name'), false);
    assert.equal(requests.labels.has('m365_tenant_id'), false, 'the tenant id is in the events only');
    const status = prometheusCatalogue(METRICS).get('m365_service_status')!;
    assert.ok(status.labels.has('m365_service_state'));
  });
});
