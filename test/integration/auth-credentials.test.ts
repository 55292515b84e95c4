import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { createEntraTokenProvider } from '../../src/auth/token-provider.ts';
import { parseConfig, formatProblem } from '../../src/config/index.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { ObservationStore } from '../../src/observation/observation-store.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import {
  CERT_APP,
  CERTIFICATES,
  CLUSTER,
  DOMAIN,
  FEDERATED_APP,
  PASSWORD,
  SECRET,
  SECRET_APP,
  SUBJECT,
  TENANT,
  startAuthHarness,
  type AuthHarness,
} from './auth-harness.ts';

const OK = /^OK: /;

describe('credentials against the simulator, which verifies assertions as Entra does', () => {
  let harness: AuthHarness;
  before(async () => (harness = await startAuthHarness()));
  after(() => harness.close());

  const assertions = (since: number) =>
    harness.sim.assertions.slice(since).map((a) => [a.kind, a.clientId, a.algorithm]);

  test('check --certificate: a PEM file, by tenant GUID', async () => {
    const since = harness.sim.assertions.length;
    const result = await harness.check([
      `--tenant=${TENANT}`,
      `--client-id=${CERT_APP}`,
      `--certificate=${CERTIFICATES}client.pem`,
    ]);
    assert.match(result.stdout, OK);
    assert.deepEqual(assertions(since), [['certificate', CERT_APP, 'PS256']]);
  });

  test('check --certificate: a PKCS#12 file with its password, by domain name (the simulator answers the GUID issuer)', async () => {
    const since = harness.sim.assertions.length;
    const result = await harness.check([
      `--tenant=${DOMAIN}`,
      `--client-id=${CERT_APP}`,
      `--certificate=${CERTIFICATES}client.pfx`,
      `--certificate-password=${PASSWORD}`,
      '--statefile-dir=',
    ]);
    assert.match(result.stdout, OK);
    assert.deepEqual(assertions(since), [['certificate', CERT_APP, 'PS256']]);
  });

  test('check with the Azure SDK variables only: secret, certificate, federated token', async () => {
    const base = { AZURE_TENANT_ID: TENANT };
    const tokenFile = join(harness.dir, 'azure-identity-token');
    await writeFile(tokenFile, CLUSTER.token(SUBJECT, Date.now()));
    const runs = [
      { ...base, AZURE_CLIENT_ID: SECRET_APP, AZURE_CLIENT_SECRET: SECRET },
      {
        ...base,
        AZURE_CLIENT_ID: CERT_APP,
        AZURE_CLIENT_CERTIFICATE_PATH: `${CERTIFICATES}client.pfx`,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: PASSWORD,
      },
      { ...base, AZURE_CLIENT_ID: FEDERATED_APP, AZURE_FEDERATED_TOKEN_FILE: tokenFile },
    ];
    for (const env of runs)
      assert.match((await harness.check(['--statefile-dir='], env)).stdout, OK, JSON.stringify(Object.keys(env)));
  });

  test('a federated token file rotated between two token requests: the simulator sees the new assertion', async () => {
    const file = join(harness.dir, 'rotating-token');
    const first = CLUSTER.token(SUBJECT, Date.now());
    await writeFile(file, first);
    const tokens = createEntraTokenProvider({
      tenantId: TENANT,
      clientId: FEDERATED_APP,
      credential: { kind: 'federated', tokenFile: file },
      endpoints: { login: harness.sim.url, graph: harness.sim.url },
      fetch,
      clock: Date.now,
      timeoutMs: 5000,
    });
    const since = harness.sim.assertions.length;
    const one = await tokens.getToken();
    const second = CLUSTER.token(SUBJECT, Date.now());
    await writeFile(file, second);
    tokens.invalidate();
    const two = await tokens.getToken();
    assert.notEqual(one.value, two.value);
    const jtiOf = (jwt: string) =>
      (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
    assert.deepEqual(
      harness.sim.assertions.slice(since).map((a) => [a.kind, a.jti]),
      [
        ['federated', jtiOf(first)],
        ['federated', jtiOf(second)],
      ],
    );
  });

  test('the agent picks the provider by credential kind, for tenants loaded from a config file', async () => {
    const tokenFile = join(harness.dir, 'agent-token');
    await writeFile(tokenFile, CLUSTER.token(SUBJECT, Date.now()));
    const tenant = (name: string, app: string, credential: string) =>
      `  - name: ${name}\n    tenant_id: ${name === 'by-domain' ? DOMAIN : TENANT}\n    client_id: ${app}\n${credential}` +
      `    endpoints: { login: '${harness.sim.url}', graph: '${harness.sim.url}' }\n`;
    const text =
      'tenants:\n' +
      tenant('with-secret', SECRET_APP, '    client_secret: ${env:SECRET}\n') +
      tenant(
        'with-pfx',
        CERT_APP,
        `    certificate: { path: ../fixtures/certificates/client.pfx, password: '\${env:PFX_PASSWORD}', algorithm: RS256 }\n`,
      ) +
      tenant('by-domain', CERT_APP, '    certificate: { path: ../fixtures/certificates/client.pem }\n') +
      tenant('federated', FEDERATED_APP, `    federated_token_file: ${tokenFile}\n`);
    const read = (path: string) => readFileSync(path, 'utf8');
    const loaded = parseConfig(
      text,
      new URL('../integration/agent.yaml', import.meta.url).pathname,
      { SECRET, PFX_PASSWORD: PASSWORD },
      read,
    );
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n'));
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    const observations = new ObservationStore();
    const { agent } = await buildAgent(loaded.config, { telemetry, log: SILENT_LOG, env: {}, observations });
    const since = { assertions: harness.sim.assertions.length, requests: harness.sim.requests.length };
    await agent.pollAll();
    await telemetry.shutdown(1000);
    assert.deepEqual(
      harness.sim.assertions
        .slice(since.assertions)
        .map((a) => [a.kind, a.algorithm])
        .sort(),
      [
        ['certificate', 'PS256'],
        ['certificate', 'RS256'],
        ['federated', 'RS256'],
      ],
    );
    assert.deepEqual(
      Object.fromEntries(observations.observations().map((o) => [o.tenant.name, o.credentialExpiresAt])),
      {
        'with-secret': undefined,
        'with-pfx': Date.parse('2125-01-01T00:00:00Z'),
        'by-domain': Date.parse('2125-01-01T00:00:00Z'),
        federated: undefined,
      },
      "the certificate's notAfter, known once a token was signed with it; no expiry for the other credentials",
    );
    const login = harness.sim.requests.slice(since.requests).filter((r) => !r.path.startsWith('/v1.0/'));
    assert.deepEqual(
      login.map((r) => `${r.method} ${r.path}`).sort(),
      [
        `POST /${TENANT}/oauth2/v2.0/token`,
        `POST /${TENANT}/oauth2/v2.0/token`,
        `POST /${TENANT}/oauth2/v2.0/token`,
        `POST /${DOMAIN}/oauth2/v2.0/token`,
      ],
      'at start, one token request per tenant and no discovery',
    );
    const graph = harness.sim.requests.slice(since.requests).filter((r) => r.path.startsWith('/v1.0/'));
    assert.ok(graph.length >= 4, `${graph.length} Graph requests`);
    assert.ok(
      graph.every((r) => r.status === 200),
      JSON.stringify(graph),
    );
  });

  test('a certificate removed after the config loaded fails the polls of its tenant only, naming the file', async () => {
    const certificate = join(harness.dir, 'removed-later.pem');
    await copyFile(`${CERTIFICATES}client.pem`, certificate);
    const tenant = (name: string, app: string, credential: string) =>
      `  - name: ${name}\n    tenant_id: ${TENANT}\n    client_id: ${app}\n${credential}` +
      `    endpoints: { login: '${harness.sim.url}', graph: '${harness.sim.url}' }\n`;
    const text =
      'tenants:\n' +
      tenant('with-secret', SECRET_APP, '    client_secret: ${env:SECRET}\n') +
      tenant('with-certificate', CERT_APP, `    certificate: { path: ${certificate} }\n`);
    const loaded = parseConfig(text, join(harness.dir, 'agent.yaml'), { SECRET }, (path) => readFileSync(path, 'utf8'));
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n'));
    await rm(certificate);
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    const observations = new ObservationStore();
    const { agent } = await buildAgent(loaded.config, { telemetry, log: SILENT_LOG, env: {}, observations });
    const since = harness.sim.assertions.length;
    await agent.pollAll();
    await telemetry.shutdown(1000);
    const outcomes = agent
      .observations()
      .map(({ tenant, outcome }) => [
        tenant.name,
        outcome?.ok,
        outcome?.ok === false ? outcome.error.code : undefined,
        outcome?.ok === false ? outcome.error.message : undefined,
      ]);
    assert.deepEqual(outcomes, [
      ['with-secret', true, undefined, undefined],
      ['with-certificate', false, 'CONFIG_INVALID', `cannot read the certificate file ${certificate}: no such file`],
    ]);
    assert.deepEqual(harness.sim.assertions.slice(since), [], 'no assertion was signed without the file');
  });
});
