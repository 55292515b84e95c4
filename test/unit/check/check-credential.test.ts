import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { parseCheckCommand, type CheckOptions } from '../../../src/check/check-options.ts';

const CERTIFICATES = new URL('../../fixtures/certificates/', import.meta.url).pathname;
const IDS = ['--tenant=t.onmicrosoft.com', '--client-id=c'];

/** The client secret, when that is the credential. */
const secretOf = (options: CheckOptions) =>
  options.credential.kind === 'secret' ? options.credential.secret : undefined;

function parse(argv: readonly string[], env: Record<string, string> = {}): CheckOptions {
  const parsed = parseCheckCommand(argv, 'service-status', env, Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(parsed.kind, 'run');
  return (parsed as { options: CheckOptions }).options;
}

function rejects(argv: readonly string[], message: string, env: Record<string, string> = {}): void {
  assert.throws(() => parseCheckCommand(argv, 'service-status', env), { code: 'CONFIG_INVALID', message });
}

describe('check: credentials, clouds and proxies', () => {
  test('--certificate (PEM, or PKCS#12 with --certificate-password) and --federated-token-file', () => {
    const pem = parse([...IDS, `--certificate=${CERTIFICATES}client.pem`]);
    assert.deepEqual(pem.credential, {
      kind: 'certificate',
      path: `${CERTIFICATES}client.pem`,
      password: undefined,
      algorithm: 'PS256',
    });
    const pfx = parse([...IDS, `--certificate=${CERTIFICATES}client.pfx`, '--certificate-password=fixture-password']);
    assert.ok(pfx.credential.kind === 'certificate');
    assert.deepEqual(
      [pfx.credential.path, pfx.credential.password?.reveal(), pfx.credential.algorithm],
      [`${CERTIFICATES}client.pfx`, 'fixture-password', 'PS256'],
    );
    // A cached token is tied to the certificate checked now (its thumbprint): the same in both files.
    assert.match(pem.credentialKey.reveal(), /^certificate:[\w-]{43}$/);
    assert.equal(pfx.credentialKey.reveal(), pem.credentialKey.reveal());
    assert.deepEqual(parse([...IDS, '--federated-token-file=/var/run/token']).credential, {
      kind: 'federated',
      tokenFile: '/var/run/token',
    });
    rejects(
      [...IDS, '--client-secret=s', '--federated-token-file=/t'],
      'Set only one of --client-secret, --federated-token-file.',
    );
    rejects(
      [...IDS, `--certificate=${CERTIFICATES}expired.pem`],
      `--certificate=${CERTIFICATES}expired.pem: the certificate CN=m365-health-expired expired on 2021-01-01T00:00:00.000Z: create a new one and upload it to the app registration`,
    );
    rejects(
      [...IDS, `--certificate=${CERTIFICATES}missing.pem`],
      `--certificate: cannot read ${CERTIFICATES}missing.pem: no such file`,
    );
  });

  test('the Azure SDK variables stand in for options left out; options win', () => {
    const env = {
      AZURE_TENANT_ID: 'env-tenant',
      AZURE_CLIENT_ID: 'env-client',
      AZURE_CLIENT_SECRET: 'env-secret',
      AZURE_FEDERATED_TOKEN_FILE: '/t',
    };
    const fromEnv = parse([], env);
    assert.deepEqual(
      [fromEnv.tenantId, fromEnv.clientId, secretOf(fromEnv)?.reveal()],
      ['env-tenant', 'env-client', 'env-secret'],
    );
    const mixed = parse(['--tenant=arg-tenant', '--federated-token-file=/arg'], env);
    assert.deepEqual(
      [mixed.tenantId, mixed.clientId, mixed.credential],
      ['arg-tenant', 'env-client', { kind: 'federated', tokenFile: '/arg' }],
    );
    const certificate = parse(IDS, {
      AZURE_CLIENT_CERTIFICATE_PATH: `${CERTIFICATES}client-encrypted.pem`,
      AZURE_CLIENT_CERTIFICATE_PASSWORD: 'fixture-password',
    });
    assert.equal(certificate.credential.kind, 'certificate');
    rejects(
      IDS,
      `AZURE_CLIENT_CERTIFICATE_PATH=${CERTIFICATES}client-encrypted.pem: the private key is encrypted and no password is set`,
      { AZURE_CLIENT_CERTIFICATE_PATH: `${CERTIFICATES}client-encrypted.pem` },
    );
    rejects(['--client-secret=s'], 'Need to specify --tenant option.', { AZURE_TENANT_ID: ' ' });
  });

  test('--cloud picks the login and Graph hosts; explicit endpoints and AZURE_AUTHORITY_HOST win for what they name', () => {
    const secret = [...IDS, '--client-secret=s'];
    assert.deepEqual(parse(secret).endpoints, {
      login: 'https://login.microsoftonline.com',
      graph: 'https://graph.microsoft.com',
    });
    assert.deepEqual(parse([...secret, '--cloud=usgovdod']).endpoints, {
      login: 'https://login.microsoftonline.us',
      graph: 'https://dod-graph.microsoft.us',
    });
    assert.deepEqual(parse([...secret, '--cloud=china']).endpoints, {
      login: 'https://login.chinacloudapi.cn',
      graph: 'https://microsoftgraph.chinacloudapi.cn',
    });
    assert.deepEqual(parse([...secret, '--cloud=usgov', '--graph-endpoint=http://127.0.0.1:8080/']).endpoints, {
      login: 'https://login.microsoftonline.us',
      graph: 'http://127.0.0.1:8080',
    });
    const authority = parse(secret, { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' });
    assert.deepEqual(
      [authority.cloud, authority.endpoints],
      ['usgov', { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' }],
    );
    rejects([...secret, '--cloud=germany'], 'Unknown --cloud=germany (supported: global, usgov, usgovdod, china)');
  });

  test('--proxyurl: an http(s) URL whose credentials are never printed', () => {
    const options = parse([...IDS, '--client-secret=s', '--proxyurl=http://monitor:Pr0xy@proxy.example.com:3128']);
    assert.equal(options.proxy?.reveal(), 'http://monitor:Pr0xy@proxy.example.com:3128');
    assert.ok(!inspect(options, { depth: null }).includes('Pr0xy'));
    rejects(
      [...IDS, '--client-secret=s', '--proxyurl=socks5://monitor:Pr0xy@proxy:1080'],
      "--proxyurl must be an http:// or https:// URL such as http://proxy:3128, got 'socks5://***@proxy:1080'",
    );
  });
});
