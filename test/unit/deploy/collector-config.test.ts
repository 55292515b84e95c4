import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { checkCollectorWiring, endpointPort } from './collector-pipelines.ts';
import { list, readYaml, record } from './deploy-files.ts';

describe('checkCollectorWiring', () => {
  test('accepts a wired config, with type/name ids and connectors', () => {
    const config: unknown = parse(`
receivers: { otlp: {} }
processors: { batch: {} }
exporters: { debug/a: {}, prometheus: {} }
connectors: { count: {} }
extensions: { health_check: {} }
service:
  extensions: [health_check]
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [debug/a, count] }
    metrics: { receivers: [otlp, count], exporters: [prometheus] }
`);
    assert.deepEqual(checkCollectorWiring(config), []);
  });

  test('reports components used but not defined, defined but not used, and empty pipelines', () => {
    const config: unknown = parse(`
receivers: { otlp: {}, hostmetrics: {} }
exporters: { debug: {} }
extensions: { health_check: {}, pprof: {} }
service:
  extensions: [health_check, zpages]
  pipelines:
    metrics: { receivers: [otlp], processors: [batch], exporters: [debug, prometheus] }
    spans: { receivers: [otlp], exporters: [] }
`);
    assert.deepEqual(checkCollectorWiring(config), [
      'pipeline metrics: processor batch is not defined',
      'pipeline metrics: exporter prometheus is not defined',
      'pipeline spans: not a metrics, logs, traces or profiles pipeline',
      'pipeline spans: no exporters',
      'receiver hostmetrics is defined but no pipeline uses it',
      'extension zpages is enabled but not defined',
      'extension pprof is defined but not in service.extensions',
    ]);
  });
});

describe('deploy/collector/config.yaml (docker-compose demo)', () => {
  const config = record(readYaml('deploy/collector/config.yaml'));

  test('every receiver, processor and exporter is defined and used', () => {
    assert.deepEqual(checkCollectorWiring(config), []);
  });

  test('receives OTLP over HTTP (4318) and gRPC (4317) on every interface of the container', () => {
    const protocols = record(record(record(config['receivers'])['otlp'])['protocols']);
    assert.equal(record(protocols['http'])['endpoint'], '0.0.0.0:4318');
    assert.equal(record(protocols['grpc'])['endpoint'], '0.0.0.0:4317');
  });

  test('metrics go to the Prometheus exporter on 8889, and metrics and logs to a debug exporter', () => {
    const exporters = record(config['exporters']);
    assert.equal(endpointPort(exporters['prometheus']), 8889);
    const pipelines = record(record(config['service'])['pipelines']);
    const metrics = list(record(pipelines['metrics'])['exporters']).map(String);
    const logs = list(record(pipelines['logs'])['exporters']).map(String);
    assert.ok(metrics.includes('prometheus'), metrics.join());
    assert.ok(
      metrics.some((id) => id.split('/')[0] === 'debug'),
      metrics.join(),
    );
    assert.ok(
      logs.some((id) => id.split('/')[0] === 'debug'),
      logs.join(),
    );
    assert.deepEqual(list(record(pipelines['logs'])['receivers']), ['otlp']);
  });
});
