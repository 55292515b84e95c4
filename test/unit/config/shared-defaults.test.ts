import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseConfig, SchemaValidators } from '../../../src/config/index.ts';
import type { LoadResult, TenantConfig } from '../../../src/config/index.ts';
import { configOf, FIXTURES } from './fixture-support.ts';

const FILE = `${FIXTURES}shared.yaml`;
const APP = '11111111-2222-3333-4444-555555555555';
const OTHER_APP = '22222222-3333-4444-5555-666666666666';
const validators = new SchemaValidators();

/** Parses `text` as a file of the fixtures directory, counting the binary files (certificates) read. */
function parse(text: string, env: Record<string, string> = {}): LoadResult & { bytesRead: string[] } {
  const bytesRead: string[] = [];
  const result = parseConfig(text, FILE, env, (path) => readFileSync(path, 'utf8'), {
    now: Date.parse('2026-01-01T00:00:00Z'),
    validators,
    readBytes: (path) => {
      bytesRead.push(path);
      return readFileSync(path);
    },
  });
  return { ...result, bytesRead };
}

function tenantsOf(text: string, env: Record<string, string> = {}): Record<string, TenantConfig> {
  return Object.fromEntries(configOf(parse(text, env)).tenants.map((tenant) => [tenant.name, tenant]));
}

const SHARED = `defaults:
  client_id: ${APP}
  certificate: { path: ../certificates/client.pem }
  cloud: usgov
  endpoints: { graph: https://graph.proxy.example.org }
  http: { proxy: http://proxy.example.org:3128, no_proxy: localhost }
  interval: 10m
  timeout: 1m
  severity: { warning: '' }
  events: { messages: { enabled: true } }
`;

describe('shared settings in defaults', () => {
  test('a tenant of two keys gets every other setting from defaults', () => {
    const { a } = tenantsOf(`${SHARED}tenants:\n  - { name: a, tenant_id: a.onmicrosoft.com }\n`);
    assert.equal(a.clientId, APP);
    assert.equal(a.certificate?.path, `${FIXTURES.replace(/config\/$/, 'certificates/')}client.pem`);
    assert.equal(a.clientSecret, undefined);
    assert.equal(a.cloud, 'usgov');
    // Per key: graph from defaults, login from the tenant's cloud.
    assert.deepEqual(a.endpoints, {
      login: 'https://login.microsoftonline.us',
      graph: 'https://graph.proxy.example.org',
    });
    assert.equal(a.http?.proxy?.reveal(), 'http://proxy.example.org:3128');
    assert.equal(a.http?.noProxy, 'localhost');
    assert.deepEqual([a.intervalMs, a.timeoutMs], [600_000, 60_000]);
    assert.equal(a.severity?.warning, '');
    assert.deepEqual(a.events, { messages: true });
  });

  test('what a tenant writes wins: scalars whole, sections key by key, the credential as a whole', () => {
    const { b } = tenantsOf(
      `${SHARED}tenants:\n  - name: b\n    tenant_id: b.onmicrosoft.com\n    client_id: ${OTHER_APP}\n` +
        '    client_secret: its-own\n    cloud: global\n    endpoints: { login: https://login.proxy.example.org }\n' +
        "    http: { no_proxy: .example.org }\n    interval: 5m\n    severity: { critical: '' }\n" +
        '    events: { messages: { enabled: false } }\n',
    );
    assert.equal(b.clientId, OTHER_APP);
    // The tenant's secret replaces the certificate of defaults: one credential, never two.
    assert.equal(b.clientSecret?.reveal(), 'its-own');
    assert.equal(b.certificate, undefined);
    assert.equal(b.cloud, 'global');
    assert.deepEqual(b.endpoints, {
      login: 'https://login.proxy.example.org',
      graph: 'https://graph.proxy.example.org',
    });
    assert.equal(b.http?.proxy?.reveal(), 'http://proxy.example.org:3128');
    assert.equal(b.http?.noProxy, '.example.org');
    // The timeout of defaults (1m) is kept under the tenant's own interval.
    assert.deepEqual([b.intervalMs, b.timeoutMs], [300_000, 60_000]);
    assert.deepEqual(b.severity, { critical: '', warning: '' });
    assert.equal(b.events, undefined);
  });

  test('defaults come between the top-level http and events sections and each tenant', () => {
    const { a } = tenantsOf(
      'http: { proxy: http://top.example.org:3128, no_proxy: top }\nevents: { messages: { enabled: true } }\n' +
        `defaults:\n  client_id: ${APP}\n  client_secret: s\n  http: { no_proxy: defaults }\n` +
        '  events: { messages: { enabled: false } }\n' +
        'tenants:\n  - { name: a, tenant_id: a.onmicrosoft.com }\n',
    );
    assert.equal(a.http?.proxy?.reveal(), 'http://top.example.org:3128');
    assert.equal(a.http?.noProxy, 'defaults');
    assert.equal(a.events, undefined);
  });

  test('a certificate in defaults is read once for all the tenants that share it, and shared as one value', () => {
    const tenants = Array.from({ length: 50 }, (_, i) => `  - { name: t${i}, tenant_id: t${i}.onmicrosoft.com }`);
    const result = parse(`${SHARED}tenants:\n${tenants.join('\n')}\n`);
    const config = configOf(result);
    assert.equal(result.bytesRead.length, 1);
    assert.equal(new Set(config.tenants.map((tenant) => tenant.certificate)).size, 1);
  });

  test('with a single tenant, what defaults write wins over the Azure SDK variables', () => {
    const env = { AZURE_CLIENT_ID: OTHER_APP, AZURE_CLIENT_SECRET: 'from-env', AZURE_TENANT_ID: 'env.onmicrosoft.com' };
    const { a } = tenantsOf(`defaults:\n  client_id: ${APP}\n  client_secret: shared\ntenants:\n  - name: a\n`, env);
    assert.deepEqual([a.tenantId, a.clientId, a.clientSecret?.reveal()], ['env.onmicrosoft.com', APP, 'shared']);
    const { b } = tenantsOf(`defaults:\n  cloud: global\ntenants:\n  - name: b\n`, env);
    assert.deepEqual([b.clientId, b.clientSecret?.reveal()], [OTHER_APP, 'from-env']);
  });

  test('credential_expiry: key by key from defaults, lead times longest first; absent when built-in', () => {
    const text =
      'defaults:\n' +
      `  client_id: ${APP}\n` +
      '  client_secret: s\n' +
      '  credential_expiry: { read_app: true, home_tenant: msp.onmicrosoft.com }\n' +
      'tenants:\n' +
      '  - { name: a, tenant_id: a.onmicrosoft.com }\n' +
      '  - { name: b, tenant_id: b.onmicrosoft.com, credential_expiry: { warn_before_days: [14, 60, 14] } }\n' +
      '  - { name: c, tenant_id: c.onmicrosoft.com, credential_expiry: { read_app: false } }\n';
    const { a, b, c } = tenantsOf(text);
    assert.deepEqual(a.credentialExpiry, { readApp: true, homeTenant: 'msp.onmicrosoft.com', warnBeforeDays: [30, 7] });
    assert.deepEqual(b.credentialExpiry, {
      readApp: true,
      homeTenant: 'msp.onmicrosoft.com',
      warnBeforeDays: [60, 14],
    });
    assert.deepEqual(c.credentialExpiry, {
      readApp: false,
      homeTenant: 'msp.onmicrosoft.com',
      warnBeforeDays: [30, 7],
    });
    const plain = tenantsOf(
      `defaults: { client_id: ${APP}, client_secret: s }\ntenants:\n  - { name: d, tenant_id: d.example.org }\n`,
    );
    assert.equal(plain.d.credentialExpiry, undefined);
  });
});
