import assert from 'node:assert/strict';
import { constants, verify, X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClientAuth, ServerMetadata, ClientMetadata } from 'openid-client';
import { createClientAuth, type ClientCredential } from '../../../src/auth/client-auth.ts';
import { readClientCertificate } from '../../../src/certificate/read-client-certificate.ts';
import { Secret } from '../../../src/shared/secret.ts';

const TOKEN_ENDPOINT = 'https://login.microsoftonline.us/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token';
const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const SERVER: ServerMetadata = {
  issuer: 'https://login.microsoftonline.us/11111111-1111-1111-1111-111111111111/v2.0',
  token_endpoint: TOKEN_ENDPOINT,
};
const CLIENT = { client_id: CLIENT_ID } as ClientMetadata;

const CERTIFICATES = new URL('../../fixtures/certificates/', import.meta.url).pathname;
const CLIENT_PEM = `${CERTIFICATES}client.pem`;

/** The certificate of a fixture file, as the test's own reading of it (for the expected thumbprints and key). */
function readFixture(path: string) {
  const reading = readClientCertificate({ bytes: readFileSync(path), password: undefined, now: NOW });
  if (!reading.ok) throw new Error(reading.message);
  return reading.certificate;
}

const certificate = readFixture(CLIENT_PEM);

/** A certificate credential as the configuration holds it: the file, its password and the algorithm. */
function certificateFile(path: string, algorithm: 'PS256' | 'RS256' = 'PS256'): ClientCredential {
  return { kind: 'certificate', path, password: undefined, algorithm };
}

/**
 * A client authentication as openid-client runs it: its type says `void`, but the library awaits what it returns (as
 * oauth4webapi's own type says), and the federated one reads its token file before it answers.
 */
type AwaitedClientAuth = (...args: Parameters<ClientAuth>) => void | Promise<void>;

/** Runs a client authentication the way openid-client does before a token request; returns the form. */
async function authenticate(auth: AwaitedClientAuth): Promise<URLSearchParams> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  await auth(SERVER, CLIENT, body, new Headers());
  return body;
}

function decode(jwt: string) {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return {
    header: json(header),
    payload: json(payload),
    input: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

describe('client authentication', () => {
  test('a client secret goes in the body (client_secret_post)', async () => {
    const body = await authenticate(
      createClientAuth(
        { kind: 'secret', secret: new Secret('s3cret') },
        { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW },
      ),
    );
    assert.deepEqual([body.get('client_id'), body.get('client_secret')], [CLIENT_ID, 's3cret']);
  });

  test('a certificate assertion has exactly what Entra requires, signed PS256 by the certificate key', async () => {
    const auth = createClientAuth(certificateFile(CLIENT_PEM), { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW });
    const body = await authenticate(auth);
    assert.equal(body.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(body.get('client_id'), CLIENT_ID);
    assert.equal(body.has('client_secret'), false);
    const jwt = decode(body.get('client_assertion')!);
    assert.deepEqual(jwt.header, { alg: 'PS256', typ: 'JWT', x5t: certificate.x5t, 'x5t#S256': certificate.x5tS256 });
    const now = NOW / 1000;
    const { jti, ...claims } = jwt.payload;
    assert.deepEqual(claims, {
      aud: TOKEN_ENDPOINT,
      exp: now + 300,
      iat: now,
      nbf: now,
      iss: CLIENT_ID,
      sub: CLIENT_ID,
    });
    assert.equal(typeof jti, 'string');
    const key = new X509Certificate(certificate.pem).publicKey;
    assert.ok(
      verify(
        'sha256',
        Buffer.from(jwt.input),
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        jwt.signature,
      ),
    );
    const again = decode((await authenticate(auth)).get('client_assertion')!);
    assert.notEqual(again.payload['jti'], jti, 'every assertion has its own jti');
  });

  test('RS256 on request', async () => {
    const auth = createClientAuth(certificateFile(CLIENT_PEM, 'RS256'), {
      tokenEndpoint: TOKEN_ENDPOINT,
      clock: () => NOW,
    });
    const jwt = decode((await authenticate(auth)).get('client_assertion')!);
    assert.equal(jwt.header['alg'], 'RS256');
    assert.ok(verify('sha256', Buffer.from(jwt.input), new X509Certificate(certificate.pem).publicKey, jwt.signature));
  });

  test('a certificate that expired since the config was loaded is a configuration error, not a request', async () => {
    const auth = createClientAuth(certificateFile(CLIENT_PEM), {
      tokenEndpoint: TOKEN_ENDPOINT,
      clock: () => Date.parse('2125-06-01T00:00:00Z'),
    });
    await assert.rejects(authenticate(auth), {
      code: 'CONFIG_INVALID',
      message: new RegExp(
        `^the certificate CN=m365-health-test expired on 2125-01-01T00:00:00\\.000Z: .+ \\(${CLIENT_PEM}\\)$`,
      ),
    });
  });

  describe('certificate file', () => {
    let dir = '';
    before(async () => (dir = await mkdtemp(join(tmpdir(), 'm365-certificate-'))));
    after(() => rm(dir, { recursive: true, force: true }));

    test('is read afresh for every request: a certificate renewed in place signs the next assertion', async () => {
      const file = join(dir, 'renewed.pem');
      await copyFile(CLIENT_PEM, file);
      const auth = createClientAuth(certificateFile(file), { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW });
      const first = decode((await authenticate(auth)).get('client_assertion')!);
      assert.equal(first.header['x5t#S256'], certificate.x5tS256);
      await copyFile(`${CERTIFICATES}other.pem`, file);
      const renewed = decode((await authenticate(auth)).get('client_assertion')!);
      const other = readFixture(`${CERTIFICATES}other.pem`);
      assert.equal(renewed.header['x5t#S256'], other.x5tS256);
      assert.ok(
        verify(
          'sha256',
          Buffer.from(renewed.input),
          { key: new X509Certificate(other.pem).publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          renewed.signature,
        ),
        'signed with the new key',
      );
    });

    test('removed, or replaced by what is no certificate, since the config was loaded: an error naming the file', async () => {
      const file = join(dir, 'rotated.pem');
      await copyFile(CLIENT_PEM, file);
      const auth = createClientAuth(certificateFile(file), { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW });
      await rm(file);
      await assert.rejects(authenticate(auth), {
        code: 'CONFIG_INVALID',
        message: `cannot read the certificate file ${file}: no such file`,
      });
      await copyFile(`${CERTIFICATES}garbage.pem`, file);
      await assert.rejects(authenticate(auth), {
        code: 'CONFIG_INVALID',
        message: `the file is neither PEM (certificate and private key) nor PKCS#12 (.pfx) (${file})`,
      });
      await copyFile(CLIENT_PEM, file);
      assert.ok((await authenticate(auth)).has('client_assertion'), 'a good file again is used again');
    });
  });

  describe('federated token file', () => {
    let dir = '';
    before(async () => (dir = await mkdtemp(join(tmpdir(), 'm365-federated-'))));
    after(() => rm(dir, { recursive: true, force: true }));

    test('is read afresh for every request and sent as the assertion', async () => {
      const file = join(dir, 'token');
      const auth = createClientAuth(
        { kind: 'federated', tokenFile: file },
        { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW },
      );
      await writeFile(file, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvbmUifQ.c2ln\n');
      const first = await authenticate(auth);
      assert.equal(first.get('client_assertion'), 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvbmUifQ.c2ln');
      assert.equal(first.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      assert.equal(first.get('client_id'), CLIENT_ID);
      await writeFile(file, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0d28ifQ.c2ln');
      assert.equal((await authenticate(auth)).get('client_assertion'), 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0d28ifQ.c2ln');
    });

    test('a missing file or one without a JWT is a configuration error that never quotes the content', async () => {
      const missing = createClientAuth(
        { kind: 'federated', tokenFile: join(dir, 'absent') },
        { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW },
      );
      await assert.rejects(authenticate(missing), {
        code: 'CONFIG_INVALID',
        message: `cannot read the federated token file ${join(dir, 'absent')}: ENOENT`,
      });
      const file = join(dir, 'garbage');
      await writeFile(file, 'not a token but maybe a secret');
      const garbage = createClientAuth(
        { kind: 'federated', tokenFile: file },
        { tokenEndpoint: TOKEN_ENDPOINT, clock: () => NOW },
      );
      await assert.rejects(authenticate(garbage), {
        code: 'CONFIG_INVALID',
        message: `the federated token file ${file} does not hold a JWT`,
      });
    });
  });
});
