import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { CLOUD_ENDPOINTS } from '../../../src/config/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { configOf, FIXTURES, formattedProblems, loadFixture, parseText, VALID_TENANT } from './fixture-support.ts';

const ENV = {
  CONTOSO_CLIENT_SECRET: 'contoso-secret',
  OTLP_API_KEY: 'otlp-key',
  LAB_PREFIX: 'pre',
  LAB_SUFFIX: 'suf',
};

/** The config with each secret revealed, so the whole object can be compared. */
function revealed(config: Config): unknown {
  return { ...config, tenants: config.tenants.map((t) => ({ ...t, clientSecret: t.clientSecret?.reveal() })) };
}

describe('valid multi-tenant config', () => {
  test('resolves every section, default and override', async () => {
    const config = configOf(await loadFixture('valid-multi-tenant.yaml', ENV));
    assert.deepEqual(revealed(config), {
      exporter: {
        endpoint: 'https://otlp.example.com:4318',
        protocol: 'http/json',
        headers: { 'api-key': 'otlp-key' },
        intervalMs: 30_000,
        timeoutMs: 5_000,
        compression: 'gzip',
        temporality: 'delta',
      },
      tenants: [
        {
          name: 'contoso',
          tenantId: 'contoso.onmicrosoft.com',
          clientId: '11111111-2222-3333-4444-555555555555',
          clientSecret: 'contoso-secret',
          cloud: 'global',
          endpoints: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
          intervalMs: 600_000,
          timeoutMs: 45_000,
        },
        {
          name: 'fabrikam-gov',
          tenantId: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE',
          clientId: '22222222-3333-4444-5555-666666666666',
          clientSecret: 'fabrikam-secret-from-file',
          cloud: 'usgov',
          endpoints: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
          intervalMs: 120_000,
          timeoutMs: 45_000,
        },
        {
          name: 'lab',
          tenantId: 'lab.example.org',
          clientId: '33333333-4444-5555-6666-777777777777',
          clientSecret: 'pre-suf',
          cloud: 'global',
          endpoints: { login: 'http://127.0.0.1:8443', graph: 'http://localhost:8444' },
          intervalMs: 30_000,
          timeoutMs: 1_500,
        },
      ],
      metrics: { 'm365.service.status': { enabled: false } },
      resource: { 'deployment.environment.name': 'prod', 'cost.center': '$100' },
      serviceName: 'm365-health',
      stateDir: join(FIXTURES, 'state'),
      spoolMaxBytes: 64 * 1024 * 1024,
      warnings: [
        `${FIXTURES}valid-multi-tenant.yaml:41:15: tenants[2].interval: poll interval 30s is under 1m: service ` +
          'health changes over minutes, and frequent polls count against Microsoft Graph throttling limits',
      ],
    });
  });

  test('applies every default to a minimal file', async () => {
    const config = configOf(await loadFixture('valid-minimal.yaml'));
    assert.deepEqual(config.exporter, {
      endpoint: 'http://localhost:4318',
      protocol: 'http/protobuf',
      headers: {},
      intervalMs: 60_000,
      timeoutMs: 10_000,
      compression: 'none',
      temporality: 'cumulative',
    });
    const [tenant] = config.tenants;
    assert.equal(tenant?.cloud, 'global');
    assert.deepEqual(tenant?.endpoints, CLOUD_ENDPOINTS.global);
    assert.equal(tenant?.intervalMs, 300_000);
    assert.equal(tenant?.timeoutMs, 30_000);
    assert.deepEqual(config.metrics, {});
    assert.deepEqual(config.resource, {});
    assert.equal(config.serviceName, 'm365-health');
    assert.equal(config.stateDir, undefined);
    assert.deepEqual(config.warnings, []);
  });

  test('is frozen all the way down', async () => {
    const config = configOf(await loadFixture('valid-multi-tenant.yaml', ENV));
    for (const part of [
      config,
      config.exporter,
      config.exporter.headers,
      config.tenants,
      config.tenants[2],
      config.tenants[2]?.endpoints,
      config.metrics,
      config.metrics['m365.service.status'],
      config.resource,
      config.warnings,
    ]) {
      assert.ok(Object.isFrozen(part));
    }
    assert.throws(() => {
      (config.tenants[0] as { intervalMs: number }).intervalMs = 1;
    }, TypeError);
  });

  test('never shows a secret when printed', async () => {
    const config = configOf(await loadFixture('valid-multi-tenant.yaml', ENV));
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: null }),
      String(config.tenants[0]?.clientSecret),
    ]) {
      assert.ok(!text.includes('contoso-secret'));
      assert.ok(!text.includes('fabrikam-secret-from-file'));
    }
  });
});

/** Valid fixtures that load with a warning, and the exact warnings. */
const WARNINGS: Record<string, string[]> = {
  'valid-warning-tls-plain-http.yaml': [
    `${FIXTURES}valid-warning-tls-plain-http.yaml:4:5: exporter.tls: TLS settings have no effect on the plain ` +
      'http:// endpoint http://localhost:4318',
  ],
  'valid-warning-pattern-no-match.yaml': [
    `${FIXTURES}valid-warning-pattern-no-match.yaml:2:16: tenants_from[0]: "tenants-from/none/*.yaml" matches no file`,
  ],
};

describe('valid configs that warn', () => {
  for (const [fixture, expected] of Object.entries(WARNINGS)) {
    test(fixture, async () => {
      assert.deepEqual(configOf(await loadFixture(fixture)).warnings, expected);
    });
  }
});

test('server: absent turns the endpoint off, present turns it on at 127.0.0.1:13133 or listen', async () => {
  const { parseConfig } = await import('../../../src/config/index.ts');
  const tenant =
    'tenants:\n  - { name: a, tenant_id: 11111111-1111-1111-1111-111111111111, client_id: 22222222-2222-2222-2222-222222222222, client_secret: s }\n';
  const load = (text: string) => parseConfig(text, '/c.yaml', {}, () => '');
  const off = load(tenant);
  assert.ok(off.ok && off.config.server === undefined);
  const on = load(`server: {}\n${tenant}`);
  assert.ok(on.ok);
  assert.deepEqual(on.ok && on.config.server, { host: '127.0.0.1', port: 13133 });
  const v6 = load(`server: { listen: '[::]:8080' }\n${tenant}`);
  assert.deepEqual(v6.ok && v6.config.server, { host: '::', port: 8080 });
  const bad = load(`server: { listen: 'nope' }\n${tenant}`);
  assert.ok(!bad.ok);
  assert.match(bad.ok ? '' : bad.problems[0].message, /"nope" is not host:port/);
});

describe('timeouts nobody wrote follow the interval', () => {
  const tenant = (extra: string): string => `${VALID_TENANT}${extra}`;

  test('a tenant polled every 5s and an exporter every 1s validate without a timeout', () => {
    const config = configOf(parseText(`exporter: { interval: 1s }\n${tenant('    interval: 5s\n')}`));
    assert.equal(config.exporter.timeoutMs, 1_000);
    assert.equal(config.tenants[0]?.intervalMs, 5_000);
    assert.equal(config.tenants[0]?.timeoutMs, 5_000);
  });

  test('the built-in timeouts stay 30s and 10s when the intervals are longer', () => {
    const config = configOf(parseText(`defaults: { interval: 10s }\n${tenant('    interval: 2m\n')}`));
    assert.equal(config.tenants[0]?.timeoutMs, 30_000);
    assert.equal(config.exporter.timeoutMs, 10_000);
    assert.equal(configOf(parseText(`defaults: { interval: 10s }\n${VALID_TENANT}`)).tenants[0]?.timeoutMs, 10_000);
  });

  test('a timeout written in defaults is still checked against a tenant’s shorter interval', () => {
    const result = parseText(`defaults: { timeout: 30s }\n${tenant('    interval: 10s\n')}`);
    assert.deepEqual(formattedProblems(result), [
      'config.yaml:7:15: tenants[0].interval: timeout 30s (defaults.timeout) is longer than the poll interval 10s; ' +
        'a poll must end before the next one starts',
    ]);
  });
});
