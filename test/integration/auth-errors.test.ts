import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BLOCKED_APP,
  CERT_APP,
  CERTIFICATES,
  CLUSTER,
  EXPIRED_APP,
  FEDERATED_APP,
  NO_PERMISSION_APP,
  PASSWORD,
  SECRET,
  SECRET_APP,
  TENANT,
  startAuthHarness,
  type AuthHarness,
} from './auth-harness.ts';

const LOGIN = 'UNKNOWN: Login endpoint API returned an error: ';

describe('each Entra error says what to fix', () => {
  let harness: AuthHarness;
  before(async () => (harness = await startAuthHarness()));
  after(() => harness.close());

  const check = (tenant: string, app: string, credential: string) =>
    harness.check([`--tenant=${tenant}`, `--client-id=${app}`, credential, '--statefile-dir=']);

  test('the identity platform refuses: one UNKNOWN line with the fix and the AADSTS code', async () => {
    const cases: [string, string, string, string][] = [
      [
        TENANT,
        SECRET_APP,
        '--client-secret=Zx9~the-secret-id-instead',
        "invalid client secret: use the secret's Value, not its Secret ID (invalid_client, AADSTS7000215)",
      ],
      [
        TENANT,
        EXPIRED_APP,
        '--client-secret=expired-secret',
        'the client secret has expired: create a new one in the app registration (invalid_client, AADSTS7000222)',
      ],
      [
        TENANT,
        '88888888-8888-8888-8888-888888888888',
        `--client-secret=${SECRET}`,
        'application not found in the tenant: check client_id and tenant_id, and that the app is consented there (unauthorized_client, AADSTS700016)',
      ],
      [
        '99999999-9999-9999-9999-999999999999',
        SECRET_APP,
        `--client-secret=${SECRET}`,
        'tenant not found: check tenant_id and the cloud (global, usgov, usgovdod, china) (invalid_tenant, AADSTS90002)',
      ],
      [
        TENANT,
        CERT_APP,
        `--certificate=${CERTIFICATES}other.pem`,
        'the certificate is not registered on the app, or the assertion signature is invalid: upload the certificate (its public part) to the app registration (invalid_client, AADSTS700027)',
      ],
      [
        TENANT,
        BLOCKED_APP,
        '--client-secret=blocked-secret',
        'blocked by Conditional Access for workload identities: exclude this app or allow this location (invalid_grant, AADSTS53003)',
      ],
    ];
    for (const [tenant, app, credential, message] of cases) {
      assert.deepEqual(
        await check(tenant, app, credential),
        { code: 3, stdout: `${LOGIN}${message}\n`, stderr: '' },
        message,
      );
    }
  });

  test('a federated token for another subject, and an expired one', async () => {
    const file = join(harness.dir, 'token');
    await writeFile(file, CLUSTER.token('system:serviceaccount:default:other', Date.now()));
    const subject = await check(TENANT, FEDERATED_APP, `--federated-token-file=${file}`);
    assert.match(
      subject.stdout,
      /^UNKNOWN: Login endpoint API returned an error: no federated credential matches the token's subject: .+ \(invalid_request, AADSTS700213\)\n$/,
    );
    await writeFile(file, CLUSTER.token('system:serviceaccount:monitoring:m365-health', Date.now() - 7_200_000));
    const expired = await check(TENANT, FEDERATED_APP, `--federated-token-file=${file}`);
    assert.match(expired.stdout, /outside its validity window: .+ \(invalid_client, AADSTS700024\)\n$/);
  });

  test('Graph 403: the permission to grant', async () => {
    const result = await check(TENANT, NO_PERMISSION_APP, '--client-secret=no-permission-secret');
    assert.match(
      result.stdout,
      /^UNKNOWN: Graph endpoint API returned an error: .*\(HTTP 403\): grant the application permission ServiceHealth\.Read\.All with admin consent\n$/,
    );
  });

  test('a certificate the config check would refuse is refused before any request', async () => {
    const before = harness.sim.requests.length;
    const result = await check(TENANT, CERT_APP, `--certificate=${CERTIFICATES}client-encrypted.pem`);
    assert.deepEqual(result, {
      code: 3,
      stdout: `UNKNOWN: --certificate=${CERTIFICATES}client-encrypted.pem: the private key is encrypted and no password is set\n`,
      stderr: '',
    });
    assert.equal(harness.sim.requests.length, before);
  });
});

describe('no secret, password, assertion or token in any output', () => {
  let harness: AuthHarness;
  before(async () => (harness = await startAuthHarness()));
  after(() => harness.close());

  /** The access tokens the check cached: what it must never print. */
  async function cachedTokens(): Promise<string[]> {
    const files = (await readdir(harness.dir)).filter((name) => name.startsWith('m365-health-token-'));
    return Promise.all(
      files.map(
        async (name) =>
          (JSON.parse(await readFile(join(harness.dir, name), 'utf8')) as { accessToken: string }).accessToken,
      ),
    );
  }

  test('--debug with a secret, a certificate and its password, a federated token: all redacted', async () => {
    const file = join(harness.dir, 'federated');
    const federated = CLUSTER.token('system:serviceaccount:monitoring:m365-health', Date.now());
    await writeFile(file, federated);
    const runs = [
      [`--client-id=${SECRET_APP}`, `--client-secret=${SECRET}`],
      [`--client-id=${CERT_APP}`, `--certificate=${CERTIFICATES}client.pfx`, `--certificate-password=${PASSWORD}`],
      [`--client-id=${FEDERATED_APP}`, `--federated-token-file=${file}`],
      [`--client-id=${SECRET_APP}`, '--client-secret=wrong-secret-value'],
    ];
    const outputs: string[] = [];
    for (const run of runs) {
      const result = await harness.check([`--tenant=${TENANT}`, ...run, '--debug']);
      assert.match(result.stderr, /client_assertion=\[redacted\]|client_secret=\[redacted\]/);
      outputs.push(result.stdout, result.stderr);
    }
    const tokens = await cachedTokens();
    assert.equal(tokens.length, 3);
    const forbidden = [SECRET, PASSWORD, federated, 'wrong-secret-value', ...tokens];
    for (const output of outputs) {
      for (const value of forbidden) assert.ok(!output.includes(value), `output shows a credential:\n${output}`);
      assert.ok(!/eyJ[\w-]+\.[\w-]+/.test(output), `output shows a JWT:\n${output}`);
    }
  });
});
