import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { formatProblem, parseConfig } from '../../../src/config/index.ts';
import { DEFAULT_SEVERITY_TEXTS } from '../../../src/health/severity-rules.ts';
import { Secret } from '../../../src/shared/secret.ts';
import type { LoadResult, TenantConfig } from '../../../src/config/index.ts';
import { configOf, FIXTURES } from './fixture-support.ts';

const CERTIFICATES = FIXTURES.replace(/config\/$/, 'certificates/');
const FILE = `${FIXTURES}credentials.yaml`;
const TENANT = 'tenant_id: contoso.onmicrosoft.com\n    client_id: 11111111-2222-3333-4444-555555555555';
const GUID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const APP = '22222222-3333-4444-5555-666666666666';

function parse(text: string, env: Record<string, string> = {}): LoadResult {
  return parseConfig(text, FILE, env, (path) => readFileSync(path, 'utf8'), {
    now: Date.parse('2026-01-01T00:00:00Z'),
  });
}

function tenantOf(text: string, env: Record<string, string> = {}): TenantConfig {
  return configOf(parse(text, env)).tenants[0];
}

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  const result = parse(text, env);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.problems.map((p) => formatProblem({ ...p, file: 'config.yaml' }));
}

describe('tenant credentials', () => {
  test('a certificate: PEM or password-protected PFX, relative to the config file, PS256 unless RS256 is asked', () => {
    const pem = tenantOf(
      `tenants:\n  - name: a\n    ${TENANT}\n    certificate:\n      path: ../certificates/client.pem\n`,
    );
    assert.deepEqual(pem.certificate, {
      path: `${CERTIFICATES}client.pem`,
      password: undefined,
      algorithm: 'PS256',
    });
    assert.equal(pem.clientSecret, undefined);
    const pfx = tenantOf(
      `tenants:\n  - name: a\n    ${TENANT}\n    certificate:\n      path: ${CERTIFICATES}client.pfx\n      password: \${env:PFX_PASSWORD}\n      algorithm: RS256\n`,
      { PFX_PASSWORD: 'fixture-password' },
    );
    assert.deepEqual(
      [pfx.certificate?.path, pfx.certificate?.password?.reveal(), pfx.certificate?.algorithm],
      [`${CERTIFICATES}client.pfx`, 'fixture-password', 'RS256'],
    );
  });

  test('the loaded configuration is plain frozen data: no private key, no compiled expression, secrets hidden', () => {
    const config = configOf(
      parse(
        `defaults:\n  severity:\n    warning: '%{status} eq "x"'\n` +
          `tenants:\n  - name: a\n    ${TENANT}\n    certificate:\n      path: ${CERTIFICATES}client.pfx\n      password: \${env:PFX_PASSWORD}\n`,
        { PFX_PASSWORD: 'fixture-password' },
      ),
    );
    const visit = (value: unknown, at: string): void => {
      if (value === null || typeof value !== 'object') {
        assert.notEqual(typeof value, 'function', at);
        return;
      }
      assert.ok(Object.isFrozen(value), `${at} is frozen`);
      if (value instanceof Secret) return;
      const prototype: unknown = Object.getPrototypeOf(value);
      assert.ok(Array.isArray(value) || prototype === Object.prototype, `${at} is an array or a plain object`);
      for (const [key, item] of Object.entries(value)) visit(item, `${at}.${key}`);
    };
    visit(config, 'config');
    const shown = `${JSON.stringify(config)}${inspect(config, { depth: null })}`;
    assert.ok(!shown.includes('fixture-password') && !shown.includes('PRIVATE KEY'), shown);
    assert.deepEqual(config.tenants[0].severity, {
      critical: DEFAULT_SEVERITY_TEXTS.critical,
      warning: '%{status} eq "x"',
    });
  });

  test('a federated token file becomes an absolute path, read later at every token request', () => {
    const tenant = tenantOf(
      `tenants:\n  - name: a\n    ${TENANT}\n    federated_token_file: tokens/azure-identity-token\n`,
    );
    assert.equal(tenant.federatedTokenFile, `${FIXTURES}tokens/azure-identity-token`);
  });

  test('the password never shows in a message, even at its own path', () => {
    const text = `tenants:\n  - name: a\n    ${TENANT}\n    certificate:\n      path: ../certificates/client.pfx\n      password: 12345-secret\n      passwrd: x\n`;
    const problems = problemsOf(text).join('\n');
    assert.ok(!problems.includes('12345-secret'), problems);
    assert.match(problems, /wrong password\?/);
  });
});

describe('Azure SDK variables for a single-tenant config', () => {
  const env = {
    AZURE_TENANT_ID: GUID,
    AZURE_CLIENT_ID: APP,
    AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
    AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
  };

  test('what the tenant leaves out comes from them, as the AKS workload identity webhook sets them', () => {
    const tenant = tenantOf('tenants:\n  - name: gov\n', env);
    assert.deepEqual(
      {
        tenantId: tenant.tenantId,
        clientId: tenant.clientId,
        file: tenant.federatedTokenFile,
        cloud: tenant.cloud,
        endpoints: tenant.endpoints,
      },
      {
        tenantId: GUID,
        clientId: APP,
        file: '/var/run/secrets/azure/tokens/azure-identity-token',
        cloud: 'usgov',
        endpoints: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
      },
    );
  });

  test('the file wins, key by key and for the credential as a whole; `cloud` wins over the authority host', () => {
    const tenant = tenantOf(
      `tenants:\n  - name: dod\n    tenant_id: contoso.onmicrosoft.us\n    client_secret: s\n    cloud: usgovdod\n`,
      env,
    );
    assert.deepEqual(
      [tenant.tenantId, tenant.clientId, tenant.clientSecret?.reveal(), tenant.federatedTokenFile],
      ['contoso.onmicrosoft.us', APP, 's', undefined],
    );
    assert.deepEqual(tenant.endpoints, {
      login: 'https://login.microsoftonline.us',
      graph: 'https://dod-graph.microsoft.us',
    });
  });

  test("the Azure SDK's order: a secret, then a certificate, then a federated token file", () => {
    const both = tenantOf('tenants:\n  - name: a\n', { ...env, AZURE_CLIENT_SECRET: 'from-env' });
    assert.deepEqual([both.clientSecret?.reveal(), both.federatedTokenFile], ['from-env', undefined]);
    const certificate = tenantOf('tenants:\n  - name: a\n', {
      ...env,
      AZURE_CLIENT_CERTIFICATE_PATH: `${CERTIFICATES}client.pfx`,
      AZURE_CLIENT_CERTIFICATE_PASSWORD: 'fixture-password',
    });
    assert.deepEqual(
      [certificate.certificate?.path, certificate.certificate?.password?.reveal()],
      [`${CERTIFICATES}client.pfx`, 'fixture-password'],
    );
  });

  test('problems with them name the variable and no line', () => {
    assert.deepEqual(
      problemsOf('tenants:\n  - name: a\n', {
        ...env,
        AZURE_CLIENT_ID: 'my-app',
        AZURE_CLIENT_CERTIFICATE_PATH: `${CERTIFICATES}client-encrypted.pem`,
        AZURE_FEDERATED_TOKEN_FILE: '',
      }),
      [
        'config.yaml: tenants[0].client_id: AZURE_CLIENT_ID="my-app" is not a GUID (the application (client) ID of the app registration)',
        `config.yaml: tenants[0].certificate.path: AZURE_CLIENT_CERTIFICATE_PATH: certificate file "${CERTIFICATES}client-encrypted.pem": ` +
          'the private key is encrypted and no password is set',
      ],
    );
  });

  test('with several tenants they are ignored: each tenant says who it is', () => {
    const two = `tenants:\n  - name: a\n    client_secret: s\n  - name: b\n    ${TENANT}\n    client_secret: s\n`;
    assert.deepEqual(problemsOf(two, env), [
      'config.yaml:2:5: tenants[0]: missing required key "tenant_id"',
      'config.yaml:2:5: tenants[0]: missing required key "client_id": set it here or in defaults',
    ]);
  });
});

describe('http section', () => {
  test("a tenant's keys win over the top-level ones; the proxy is a secret; ca_file is read and checked", () => {
    const text =
      `http:\n  proxy: http://monitor:Pr0xy@proxy.example.com:3128\n  ca_file: ../certificates/test-ca.pem\n` +
      `tenants:\n  - name: a\n    ${TENANT}\n    client_secret: s\n    http:\n      no_proxy: .corp.example.com\n` +
      `  - name: b\n    tenant_id: fabrikam.onmicrosoft.com\n    client_id: ${APP}\n    client_secret: s\n    http:\n      proxy: http://other:8080\n`;
    const config = configOf(parse(text));
    const [a, b] = config.tenants as [TenantConfig, TenantConfig];
    assert.deepEqual(
      [a.http?.proxy?.reveal(), a.http?.noProxy, a.http?.caFile],
      ['http://monitor:Pr0xy@proxy.example.com:3128', '.corp.example.com', `${CERTIFICATES}test-ca.pem`],
    );
    assert.match(a.http?.ca ?? '', /^-----BEGIN CERTIFICATE-----/);
    assert.deepEqual(
      [b.http?.proxy?.reveal(), b.http?.noProxy, b.http?.caFile],
      ['http://other:8080', undefined, `${CERTIFICATES}test-ca.pem`],
    );
    for (const shown of [JSON.stringify(config), inspect(config, { depth: null })]) assert.ok(!shown.includes('Pr0xy'));
  });

  test('a tenant without any http section has none', () => {
    assert.equal(tenantOf(`tenants:\n  - name: a\n    ${TENANT}\n    client_secret: s\n`).http, undefined);
  });
});
