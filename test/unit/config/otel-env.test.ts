import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configOf, formattedProblems, parseText, VALID_TENANT } from './fixture-support.ts';

const OTEL_ENV = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com:4318/',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%20def, x-team = ops ,',
  OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
  OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
  OTEL_METRIC_EXPORT_INTERVAL: '15000',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,team=a%2Cb',
  OTEL_SERVICE_NAME: 'health-sidecar',
};

const FULL_EXPORTER = `exporter:
  endpoint: https://otlp.example.com
  protocol: http/protobuf
  headers:
    API-Key: from-file
  interval: 1m
  timeout: 20s
  compression: none
  temporality: cumulative
resource:
  deployment.environment.name: prod
`;

describe('OpenTelemetry environment variables', () => {
  test('apply when the file does not set the key', () => {
    const config = configOf(parseText(VALID_TENANT, OTEL_ENV));
    assert.deepEqual(config.exporter, {
      endpoint: 'https://collector.example.com:4318',
      protocol: 'http/json',
      headers: { 'api-key': 'abc def', 'x-team': 'ops' },
      intervalMs: 15_000,
      timeoutMs: 2_500,
      compression: 'gzip',
      temporality: 'delta',
    });
    assert.deepEqual(config.resource, { 'deployment.environment.name': 'staging', team: 'a,b' });
    assert.equal(config.serviceName, 'health-sidecar');
  });

  test('lose to keys written in the file; headers and attributes merge per key', () => {
    const config = configOf(parseText(FULL_EXPORTER + VALID_TENANT, OTEL_ENV));
    assert.deepEqual(config.exporter, {
      endpoint: 'https://otlp.example.com',
      protocol: 'http/protobuf',
      headers: { 'API-Key': 'from-file', 'x-team': 'ops' },
      intervalMs: 60_000,
      timeoutMs: 20_000,
      compression: 'none',
      temporality: 'cumulative',
    });
    assert.deepEqual(config.resource, { 'deployment.environment.name': 'prod', team: 'a,b' });
  });

  test('are not read, so cannot fail, when the file sets the key', () => {
    const env = { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    assert.equal(parseText(FULL_EXPORTER + VALID_TENANT, env).ok, true);
  });

  test('empty counts as unset', () => {
    const env = Object.fromEntries(Object.keys(OTEL_ENV).map((name) => [name, '']));
    const config = configOf(parseText(VALID_TENANT, env));
    assert.equal(config.exporter.endpoint, 'http://localhost:4318');
    assert.equal(config.serviceName, 'm365-health');
  });

  test('service.name: file, then OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then m365-health', () => {
    const fromAttributes = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes,a=1' };
    const withServiceName = { ...fromAttributes, OTEL_SERVICE_NAME: 'from-variable' };
    const inFile = `resource:\n  service.name: from-file\n${VALID_TENANT}`;
    assert.equal(configOf(parseText(inFile, withServiceName)).serviceName, 'from-file');
    assert.equal(configOf(parseText(VALID_TENANT, withServiceName)).serviceName, 'from-variable');
    assert.equal(configOf(parseText(VALID_TENANT, fromAttributes)).serviceName, 'from-attributes');
    assert.deepEqual(configOf(parseText(inFile, withServiceName)).resource, { a: '1' });
  });

  test('invalid values are problems outside the file, naming the variable and the key it stands for', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.internal:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'low_memory',
      OTEL_METRIC_EXPORT_INTERVAL: '-1',
      OTEL_RESOURCE_ATTRIBUTES: 'a=1,b',
    };
    assert.deepEqual(formattedProblems(parseText(VALID_TENANT, env)), [
      'config.yaml: exporter.endpoint: OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.internal:4318" uses plain ' +
        'http:// to a remote host; use https://, or http:// only for localhost, 127.0.0.0/8 or ::1',
      'config.yaml: exporter.protocol: OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported; use one of ' +
        'http/protobuf, http/json',
      'config.yaml: exporter.interval: OTEL_METRIC_EXPORT_INTERVAL="-1" is not a whole number of milliseconds',
      'config.yaml: exporter.timeout: OTEL_EXPORTER_OTLP_TIMEOUT="10s" is not a whole number of milliseconds',
      'config.yaml: exporter.compression: OTEL_EXPORTER_OTLP_COMPRESSION="zstd" is not supported; use one of none, gzip',
      'config.yaml: exporter.temporality: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="low_memory" is not ' +
        'supported; use one of cumulative, delta, lowmemory',
      'config.yaml: resource: OTEL_RESOURCE_ATTRIBUTES: entry 2 has no "="; expected key=value pairs separated by commas',
    ]);
  });

  test('a timeout from the environment must fit the interval, whichever side sets each', () => {
    assert.deepEqual(formattedProblems(parseText(VALID_TENANT, { OTEL_EXPORTER_OTLP_TIMEOUT: '90000' })), [
      'config.yaml: exporter.timeout: timeout 1m30s (OTEL_EXPORTER_OTLP_TIMEOUT) is longer than the export interval ' +
        '1m (default); an export must end before the next one starts',
    ]);
    const text = `exporter:\n  interval: 5s\n${VALID_TENANT}`;
    assert.deepEqual(formattedProblems(parseText(text, { OTEL_EXPORTER_OTLP_TIMEOUT: '6000' })), [
      'config.yaml: exporter.timeout: timeout 6s (OTEL_EXPORTER_OTLP_TIMEOUT) is longer than the export interval 5s; ' +
        'an export must end before the next one starts',
    ]);
  });

  test('header problems never show header values', () => {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'api key=SECRET-VALUE' };
    const problems = formattedProblems(parseText(VALID_TENANT, env));
    assert.deepEqual(problems, [
      'config.yaml: exporter.headers: OTEL_EXPORTER_OTLP_HEADERS: "api key" is not a valid HTTP header name',
    ]);
    const badEncoding = formattedProblems(parseText(VALID_TENANT, { OTEL_EXPORTER_OTLP_HEADERS: 'k=SECRET%zz' }));
    assert.deepEqual(badEncoding, [
      'config.yaml: exporter.headers: OTEL_EXPORTER_OTLP_HEADERS: the value of "k" is not valid percent-encoding',
    ]);
  });
});
