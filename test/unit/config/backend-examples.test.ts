import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/index.ts';
import { ExpressionCompiler } from '../../../src/health/severity-rules.ts';
import { record } from '../deploy/deploy-files.ts';
import { configOf } from './fixture-support.ts';

const EXAMPLES = fileURLToPath(new URL('../../../config/examples/', import.meta.url));
const ENV = { CONTOSO_CLIENT_SECRET: 'contoso-secret', DD_API_KEY: 'dd-key', NEW_RELIC_LICENSE_KEY: 'nr-key' };

/** What each backend documents: endpoint, headers, protocol, compression and temporality. */
const RECIPES: Record<
  string,
  { endpoint: string; headers: Record<string, string>; compression: string; temporality: string }
> = {
  'otel-collector.yaml': {
    endpoint: 'http://localhost:4318',
    headers: {},
    compression: 'gzip',
    temporality: 'cumulative',
  },
  'datadog-agent.yaml': { endpoint: 'http://localhost:4318', headers: {}, compression: 'none', temporality: 'delta' },
  'datadog-agentless.yaml': {
    endpoint: 'https://otlp.datadoghq.com',
    headers: { 'dd-api-key': 'dd-key' },
    compression: 'gzip',
    temporality: 'delta',
  },
  'newrelic-us.yaml': {
    endpoint: 'https://otlp.nr-data.net:4318',
    headers: { 'api-key': 'nr-key' },
    compression: 'gzip',
    temporality: 'delta',
  },
  'newrelic-eu.yaml': {
    endpoint: 'https://otlp.eu01.nr-data.net:4318',
    headers: { 'api-key': 'nr-key' },
    compression: 'gzip',
    temporality: 'delta',
  },
};

describe('backend recipes in config/examples/', () => {
  for (const [file, expected] of Object.entries(RECIPES)) {
    test(`${file} loads with the endpoint, headers and temporality its backend documents`, async () => {
      const config = configOf(await loadConfig(`${EXAMPLES}${file}`, ENV));
      const { endpoint, headers, compression, temporality, protocol } = config.exporter;
      assert.deepEqual({ endpoint, headers: { ...headers }, compression, temporality }, expected);
      assert.equal(protocol, 'http/protobuf');
      assert.deepEqual(config.warnings, []);
    });
  }

  test('the Datadog Agent recipe gives the Agent side whole: OTLP over HTTP, metrics, and logs with logs_enabled', async () => {
    const text = await readFile(`${EXAMPLES}datadog-agent.yaml`, 'utf8');
    const agentYaml = text
      .split('\n')
      .filter((line) => line.startsWith('#   ') && !line.startsWith('#   DD_'))
      .map((line) => line.slice(4).replace(/\s+#.*$/, ''))
      .join('\n');
    const settings = record(parse(agentYaml));
    assert.equal(settings['logs_enabled'], true);
    const otlp = record(settings['otlp_config']);
    assert.equal(record(record(record(otlp['receiver'])['protocols'])['http'])['endpoint'], '0.0.0.0:4318');
    assert.equal(record(otlp['metrics'])['enabled'], true);
    assert.equal(record(otlp['logs'])['enabled'], true);
    for (const variable of [
      'DD_LOGS_ENABLED=true',
      'DD_OTLP_CONFIG_RECEIVER_PROTOCOLS_HTTP_ENDPOINT=0.0.0.0:4318',
      'DD_OTLP_CONFIG_METRICS_ENABLED=true',
      'DD_OTLP_CONFIG_LOGS_ENABLED=true',
    ])
      assert.ok(text.includes(`#   ${variable}\n`), variable);
  });

  test('the API keys come from the environment, never from the file', async () => {
    for (const [file, variable] of [
      ['datadog-agentless.yaml', 'DD_API_KEY'],
      ['newrelic-us.yaml', 'NEW_RELIC_LICENSE_KEY'],
      ['newrelic-eu.yaml', 'NEW_RELIC_LICENSE_KEY'],
    ]) {
      const result = await loadConfig(`${EXAMPLES}${file}`, { CONTOSO_CLIENT_SECRET: 'x' });
      assert.deepEqual(
        result.ok ? [] : result.problems.map((p) => p.message),
        [`environment variable ${variable} is not set`],
        file,
      );
    }
  });

  test('the collector recipe turns message-center events on and keeps advisories from warning', async () => {
    const [tenant] = configOf(await loadConfig(`${EXAMPLES}otel-collector.yaml`, ENV)).tenants;
    assert.equal(tenant.events?.messages, true);
    const rule = new ExpressionCompiler().severityRule(tenant.severity!);
    const advisory = {
      id: 'EX1',
      title: 't',
      impactDescription: '',
      classification: 'advisory' as const,
      status: 'serviceDegradation' as const,
      rawStatus: 'serviceDegradation',
      service: 'Exchange Online',
      feature: undefined,
      featureGroup: undefined,
      isResolved: false,
      startDateTime: undefined,
      endDateTime: undefined,
      lastModifiedDateTime: undefined,
      posts: [],
    };
    const exchange = {
      id: 'Exchange',
      name: 'Exchange Online',
      status: 'serviceDegradation' as const,
      rawStatus: 'serviceDegradation',
      issues: [advisory],
    };
    assert.equal(rule(exchange), 0);
    assert.equal(rule({ ...exchange, issues: [{ ...advisory, classification: 'incident' as const }] }), 2);
  });
});
