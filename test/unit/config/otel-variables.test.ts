import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportTarget } from '../../../src/config/exporter.ts';
import { parseConfig, type Config, type LoadResult } from '../../../src/config/index.ts';
import { configOf, FIXTURE_ENV, formattedProblems, parseText, VALID_TENANT } from './fixture-support.ts';

const TLS = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));
const pem = (name: string) => readFileSync(`${TLS}${name}`, 'utf8');
const SETUP_DOC = fileURLToPath(new URL('../../../docs/setup.md', import.meta.url));

/** Loads a config of one tenant, plus `exporter` lines, beside the TLS fixtures (whose files it may name). */
function load(env: Record<string, string>, exporter = ''): LoadResult {
  const text = `${exporter === '' ? '' : `exporter:\n${exporter}`}${VALID_TENANT}`;
  return parseConfig(text, `${TLS}config.yaml`, { ...FIXTURE_ENV, ...env }, (path) => readFileSync(path, 'utf8'));
}

const targets = (config: Config) => ({
  metrics: exportTarget(config.exporter, 'metrics'),
  logs: exportTarget(config.exporter, 'logs'),
});

/** What each row of the variables table of docs/setup.md does, checked: one test per row, named by its first variable. */
const ROWS: Record<string, () => void> = {
  OTEL_SDK_DISABLED() {
    const off = configOf(parseText(VALID_TENANT, { OTEL_SDK_DISABLED: 'TRUE' }));
    assert.equal(off.exporter.disabled, true);
    assert.deepEqual(off.warnings, [
      '/etc/m365-health/config.yaml: exporter: OTEL_SDK_DISABLED=true: nothing is exported over OTLP; the agent still polls and ' +
        'serves its endpoints',
    ]);
    const on = configOf(parseText(VALID_TENANT, { OTEL_SDK_DISABLED: 'false' }));
    assert.equal(on.exporter.disabled, undefined);
    assert.deepEqual(on.warnings, []);
    const unclear = configOf(parseText(VALID_TENANT, { OTEL_SDK_DISABLED: 'yes' }));
    assert.equal(unclear.exporter.disabled, undefined);
    assert.deepEqual(unclear.warnings, [
      '/etc/m365-health/config.yaml: exporter: OTEL_SDK_DISABLED="yes" is neither true nor false; read as false: telemetry is exported',
    ]);
  },

  OTEL_EXPORTER_OTLP_ENDPOINT() {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com:4318/otlp/' };
    const { metrics, logs } = targets(configOf(load(env)));
    assert.equal(metrics.url, 'https://collector.example.com:4318/otlp/v1/metrics');
    assert.equal(logs.url, 'https://collector.example.com:4318/otlp/v1/logs');
    const fromFile = targets(configOf(load(env, '  endpoint: https://otlp.example.com\n')));
    assert.equal(fromFile.metrics.url, 'https://otlp.example.com/v1/metrics');
  },

  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT() {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://metrics.example.com/ingest/otlp',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example.com',
    };
    const { metrics, logs } = targets(configOf(load(env)));
    assert.equal(metrics.url, 'https://metrics.example.com/ingest/otlp', 'used as given, nothing appended');
    assert.equal(logs.url, 'https://logs.example.com/');
    const onlyMetrics = targets(configOf(load({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:9999/m/' })));
    assert.deepEqual(
      [onlyMetrics.metrics.url, onlyMetrics.logs.url],
      ['http://127.0.0.1:9999/m/', 'http://localhost:4318/v1/logs'],
    );
    const fromFile = targets(configOf(load(env, '  endpoint: https://otlp.example.com\n')));
    assert.deepEqual(
      [fromFile.metrics.url, fromFile.logs.url],
      ['https://otlp.example.com/v1/metrics', 'https://otlp.example.com/v1/logs'],
    );
    assert.deepEqual(formattedProblems(load({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs.example.com/v1/logs' })), [
      'config.yaml: exporter.endpoint: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://logs.example.com/v1/logs" uses ' +
        'plain http:// to a remote host; use https://, or http:// only for localhost, 127.0.0.0/8 or ::1',
    ]);
  },

  OTEL_EXPORTER_OTLP_PROTOCOL() {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf' };
    const { metrics, logs } = targets(configOf(load(env)));
    assert.deepEqual([metrics.protocol, logs.protocol], ['http/protobuf', 'http/json']);
    const fromFile = targets(configOf(load(env, '  protocol: http/json\n')));
    assert.deepEqual([fromFile.metrics.protocol, fromFile.logs.protocol], ['http/json', 'http/json']);
    assert.deepEqual(formattedProblems(load({ OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc' })), [
      'config.yaml: exporter.protocol: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="grpc" is not supported; use one of ' +
        'http/protobuf, http/json',
    ]);
  },

  OTEL_EXPORTER_OTLP_HEADERS() {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'B=3,c=4%205' };
    const { metrics, logs } = targets(configOf(load(env, '  headers:\n    C: from-file\n')));
    assert.deepEqual(metrics.headers, { a: '1', B: '3', C: 'from-file' });
    assert.deepEqual(logs.headers, { a: '1', b: '2', C: 'from-file' });
    assert.deepEqual(formattedProblems(load({ OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'api key=SECRET' })), [
      'config.yaml: exporter.headers: OTEL_EXPORTER_OTLP_LOGS_HEADERS: "api key" is not a valid HTTP header name',
    ]);
  },

  OTEL_EXPORTER_OTLP_TIMEOUT() {
    const env = { OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '120000' };
    const { metrics, logs } = targets(configOf(load(env)));
    assert.deepEqual([metrics.timeoutMs, logs.timeoutMs], [2_500, 120_000], "the logs' may exceed the interval");
    const fromFile = targets(configOf(load(env, '  timeout: 20s\n')));
    assert.deepEqual([fromFile.metrics.timeoutMs, fromFile.logs.timeoutMs], [20_000, 20_000]);
    assert.deepEqual(formattedProblems(load({ OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '90000' })), [
      'config.yaml: exporter.timeout: timeout 1m30s (OTEL_EXPORTER_OTLP_METRICS_TIMEOUT) is longer than the export ' +
        'interval 1m (default); an export must end before the next one starts',
    ]);
  },

  OTEL_EXPORTER_OTLP_COMPRESSION() {
    const env = { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'none' };
    const { metrics, logs } = targets(configOf(load(env)));
    assert.deepEqual([metrics.compression, logs.compression], ['gzip', 'none']);
    assert.deepEqual(formattedProblems(load({ OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'zstd' })), [
      'config.yaml: exporter.compression: OTEL_EXPORTER_OTLP_METRICS_COMPRESSION="zstd" is not supported; use one ' +
        'of none, gzip',
    ]);
  },

  OTEL_EXPORTER_OTLP_CERTIFICATE() {
    const env = {
      OTEL_EXPORTER_OTLP_CERTIFICATE: `${TLS}ca.pem`,
      OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: `${TLS}server.pem`,
    };
    const { metrics, logs } = targets(configOf(load(env)));
    assert.equal(metrics.tls?.ca, pem('ca.pem'));
    assert.equal(logs.tls?.ca, pem('server.pem'));
    const fromFile = targets(configOf(load(env, '  tls:\n    ca_file: ca.pem\n')));
    assert.equal(fromFile.logs.tls?.ca, pem('ca.pem'), 'the file wins');
    assert.deepEqual(formattedProblems(load({ OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: `${TLS}client.key` })), [
      'config.yaml: exporter.tls.ca_file: OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: the CA certificate file holds no ' +
        'PEM certificate',
    ]);
    const badForEvery = {
      OTEL_EXPORTER_OTLP_CERTIFICATE: `${TLS}client.key`,
      OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: `${TLS}client.pem`,
      OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: `${TLS}client.key`,
    };
    const once = [
      'config.yaml: exporter.tls.ca_file: OTEL_EXPORTER_OTLP_CERTIFICATE: the CA certificate file holds no PEM ' +
        'certificate',
    ];
    assert.deepEqual(formattedProblems(load(badForEvery)), once, 'told once, though the metrics read it again');
  },

  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE() {
    const both = {
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: `${TLS}client.pem`,
      OTEL_EXPORTER_OTLP_CLIENT_KEY: `${TLS}client.key`,
    };
    const every = targets(configOf(load(both)));
    assert.deepEqual([every.metrics.tls?.cert, every.logs.tls?.cert], [pem('client.pem'), pem('client.pem')]);
    const own = {
      OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: `${TLS}client.pem`,
      OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: `${TLS}client.key`,
    };
    const { metrics, logs } = targets(configOf(load(own)));
    assert.equal(metrics.tls?.cert, pem('client.pem'));
    assert.equal(metrics.tls?.key?.reveal(), pem('client.key'));
    assert.equal(logs.tls, undefined);
    const alone = { OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: `${TLS}client.pem` };
    assert.deepEqual(formattedProblems(load(alone)), [
      'config.yaml: exporter.tls.cert_file: OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: a client certificate ' +
        'needs its key: set key_file (or OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY) too',
    ]);
  },

  OTEL_EXPORTER_OTLP_CLIENT_KEY() {
    const env = {
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: `${TLS}client.pem`,
      OTEL_EXPORTER_OTLP_CLIENT_KEY: `${TLS}client.key`,
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: `${TLS}other.key`,
    };
    assert.deepEqual(formattedProblems(load(env)), [
      'config.yaml: exporter.tls.key_file: OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: the client key does not match the ' +
        'client certificate',
    ]);
    const { metrics, logs } = targets(
      configOf(load({ ...env, OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: `${TLS}client.key` })),
    );
    assert.equal(metrics.tls?.key?.reveal(), pem('client.key'));
    assert.equal(logs.tls?.key?.reveal(), pem('client.key'));
  },

  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE() {
    const temporality = (value: string) =>
      configOf(load({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: value })).exporter.temporality;
    assert.deepEqual(['Cumulative', 'DELTA', 'LowMemory'].map(temporality), ['cumulative', 'delta', 'lowmemory']);
    assert.equal(configOf(load({}, '  temporality: lowmemory\n')).exporter.temporality, 'lowmemory');
    // What each preference sends per instrument kind: test/integration/otel-variables.test.ts.
  },

  OTEL_METRIC_EXPORT_INTERVAL() {
    assert.equal(configOf(load({ OTEL_METRIC_EXPORT_INTERVAL: '15000' })).exporter.intervalMs, 15_000);
    assert.equal(
      configOf(load({ OTEL_METRIC_EXPORT_INTERVAL: '15000' }, '  interval: 2m\n')).exporter.intervalMs,
      120_000,
    );
  },

  OTEL_METRIC_EXPORT_TIMEOUT() {
    assert.equal(configOf(load({})).exporter.exportTimeoutMs, undefined);
    assert.equal(configOf(load({ OTEL_METRIC_EXPORT_TIMEOUT: '5000' })).exporter.exportTimeoutMs, 5_000);
    assert.deepEqual(formattedProblems(load({ OTEL_METRIC_EXPORT_TIMEOUT: '90000' })), [
      'config.yaml: exporter: timeout 1m30s (OTEL_METRIC_EXPORT_TIMEOUT) is longer than the export interval 1m ' +
        '(default); an export must end before the next one starts',
    ]);
    assert.deepEqual(formattedProblems(load({ OTEL_METRIC_EXPORT_TIMEOUT: '5s' })), [
      'config.yaml: exporter: OTEL_METRIC_EXPORT_TIMEOUT="5s" is not a whole number of milliseconds',
    ]);
  },

  OTEL_RESOURCE_ATTRIBUTES() {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=replica-a,team=a%2Cb' };
    assert.deepEqual(configOf(load(env)).resource, { 'service.instance.id': 'replica-a', team: 'a,b' });
    const text = `resource:\n  team: ops\n${VALID_TENANT}`;
    assert.deepEqual(configOf(parseText(text, env)).resource, { 'service.instance.id': 'replica-a', team: 'ops' });
  },

  OTEL_SERVICE_NAME() {
    assert.equal(configOf(load({ OTEL_SERVICE_NAME: 'health-sidecar' })).serviceName, 'health-sidecar');
    const text = `resource:\n  service.name: from-file\n${VALID_TENANT}`;
    assert.equal(configOf(parseText(text, { OTEL_SERVICE_NAME: 'health-sidecar' })).serviceName, 'from-file');
  },
};

/** The first variable of each row of the table in docs/setup.md's section on the exporter. */
function documentedRows(): string[] {
  const section = readFileSync(SETUP_DOC, 'utf8')
    .split('\n## ')
    .find((part) => part.includes('the `OTEL_*` variables'));
  assert.ok(section, 'docs/setup.md has the section on the OTEL_* variables');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `OTEL_'))
    .map((line) => /^\| `([A-Z_]+)`/.exec(line)?.[1] ?? line);
}

describe('the OpenTelemetry variables of docs/setup.md, one test per row', () => {
  test('every row of the table has its test here, and nothing else', () => {
    assert.deepEqual(documentedRows(), Object.keys(ROWS));
  });

  for (const [variable, check] of Object.entries(ROWS)) test(variable, check);
});
