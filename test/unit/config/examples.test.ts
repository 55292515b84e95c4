import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { formatProblem, loadConfig } from '../../../src/config/index.ts';
import { configOf } from './fixture-support.ts';

const EXAMPLES = fileURLToPath(new URL('../../../config/', import.meta.url));

const ENV = {
  CONTOSO_CLIENT_SECRET: 'contoso-secret',
  MSP_CLIENT_SECRET: 'msp-secret',
  WOODGROVE_CLIENT_SECRET: 'woodgrove-secret',
  FABRIKAM_CLIENT_SECRET: 'fabrikam-secret',
  LAB_CLIENT_SECRET: 'lab-secret',
  OTLP_API_KEY: 'otlp-key',
};

describe('example configs', () => {
  test('example-single-tenant.yaml loads', async () => {
    const config = configOf(await loadConfig(`${EXAMPLES}example-single-tenant.yaml`, ENV));
    assert.deepEqual(
      config.tenants.map((t) => t.name),
      ['contoso'],
    );
    assert.deepEqual(config.warnings, []);
  });

  test('example-multi-tenant.yaml loads', async () => {
    const config = configOf(await loadConfig(`${EXAMPLES}example-multi-tenant.yaml`, ENV));
    assert.deepEqual(
      config.tenants.map((t) => [t.name, t.cloud, t.endpoints.graph, t.clientSecret?.reveal()]),
      [
        ['contoso', 'global', 'https://graph.microsoft.com', 'msp-secret'],
        ['adatum', 'global', 'https://graph.microsoft.com', 'msp-secret'],
        ['woodgrove', 'global', 'https://graph.microsoft.com', 'woodgrove-secret'],
        ['fabrikam-gov', 'usgov', 'https://graph.microsoft.us', 'fabrikam-secret'],
        ['lab', 'global', 'https://graph.lab.example.org', 'lab-secret'],
      ],
    );
    assert.equal(config.exporter.headers['api-key'], 'otlp-key');
    assert.deepEqual(config.warnings, []);
  });

  test('without their environment variables, each names what is missing', async () => {
    const result = await loadConfig(`${EXAMPLES}example-multi-tenant.yaml`, {});
    assert.equal(result.ok, false);
    const messages = result.ok ? [] : result.problems.map((p) => p.message);
    assert.deepEqual(messages, [
      'environment variable OTLP_API_KEY is not set',
      'environment variable MSP_CLIENT_SECRET is not set',
      'environment variable WOODGROVE_CLIENT_SECRET is not set',
      'environment variable FABRIKAM_CLIENT_SECRET is not set',
      'environment variable LAB_CLIENT_SECRET is not set',
    ]);
    assert.ok(!result.ok && result.problems.every((p) => formatProblem(p).includes('example-multi-tenant.yaml:')));
  });
});
