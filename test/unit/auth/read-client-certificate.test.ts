import assert from 'node:assert/strict';
import { constants, createVerify, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { readClientCertificate } from '../../../src/certificate/read-client-certificate.ts';
import type { ClientCertificate } from '../../../src/certificate/client-certificate.ts';

const CERTIFICATES = new URL('../../fixtures/certificates/', import.meta.url);
const PASSWORD = 'fixture-password';
const NOW = Date.parse('2026-01-01T00:00:00Z');

function read(file: string, password?: string, now = NOW) {
  return readClientCertificate({ bytes: readFileSync(new URL(file, CERTIFICATES)), password, now });
}

function certificateOf(file: string, password?: string): ClientCertificate {
  const reading = read(file, password);
  assert.ok(reading.ok, reading.ok ? '' : reading.message);
  return reading.certificate;
}

function problemOf(file: string, password?: string, now = NOW): string {
  const reading = read(file, password, now);
  assert.ok(!reading.ok, `expected ${file} to be refused`);
  return reading.message;
}

/** The thumbprints as OpenSSL prints them (hex), turned into base64url: computed apart from the code under test. */
function expectedThumbprints(): { x5t: string; x5tS256: string } {
  const x509 = new X509Certificate(readFileSync(new URL('client-cert.pem', CERTIFICATES)));
  const toBase64url = (hex: string) => Buffer.from(hex.replaceAll(':', ''), 'hex').toString('base64url');
  return { x5t: toBase64url(x509.fingerprint), x5tS256: toBase64url(x509.fingerprint256) };
}

describe('readClientCertificate', () => {
  test('a PEM file with certificate and key: subject, validity and both thumbprints', () => {
    const certificate = certificateOf('client.pem');
    assert.equal(certificate.subject, 'CN=m365-health-test');
    assert.equal(certificate.notBefore, Date.parse('2025-01-01T00:00:00Z'));
    assert.equal(certificate.notAfter, Date.parse('2125-01-01T00:00:00Z'));
    assert.deepEqual({ x5t: certificate.x5t, x5tS256: certificate.x5tS256 }, expectedThumbprints());
  });

  test('an encrypted PEM key with its password, PKCS#12 files (OpenSSL 3 AES and legacy 3DES): the same credential', () => {
    const expected = expectedThumbprints();
    for (const file of ['client-encrypted.pem', 'client.pfx', 'client-legacy.pfx']) {
      const certificate = certificateOf(file, PASSWORD);
      assert.deepEqual({ x5t: certificate.x5t, x5tS256: certificate.x5tS256 }, expected, file);
    }
  });

  test('the key signs PS256 (default) and RS256 assertions that the certificate verifies', async () => {
    const certificate = certificateOf('client.pfx', PASSWORD);
    const data = Buffer.from('header.payload');
    const publicKey = new X509Certificate(certificate.pem).publicKey;
    const ps = Buffer.from(
      await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, certificate.signingKey('PS256'), data),
    );
    assert.ok(verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, ps));
    const rs = Buffer.from(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', certificate.signingKey('RS256'), data));
    assert.ok(createVerify('sha256').update(data).verify(publicKey, rs));
    assert.equal(certificate.signingKey('PS256').extractable, false);
  });

  test('what Entra would refuse later is refused now, saying what to fix', () => {
    assert.equal(
      problemOf('client-cert.pem'),
      'no private key found: append the private key (-----BEGIN PRIVATE KEY-----) to the certificate in the PEM file',
    );
    assert.equal(problemOf('client-encrypted.pem'), 'the private key is encrypted and no password is set');
    assert.equal(problemOf('client-encrypted.pem', 'wrong'), 'cannot decrypt the private key: wrong password?');
    assert.equal(problemOf('client.pfx'), 'the PKCS#12 file is protected by a password and none is set');
    assert.equal(problemOf('client.pfx', 'wrong'), 'cannot open the PKCS#12 file: wrong password?');
    assert.equal(
      problemOf('mismatched.pem'),
      'the private key does not match the certificate CN=m365-health-test: use the key the certificate was made with',
    );
    assert.equal(problemOf('ec.pem'), 'the private key is EC; the identity platform needs an RSA key');
    assert.equal(problemOf('weak.pem'), 'the RSA key has 1024 bits; use at least 2048');
    assert.equal(problemOf('garbage.pem'), 'the file is neither PEM (certificate and private key) nor PKCS#12 (.pfx)');
  });

  test('validity is checked at the time given', () => {
    assert.equal(
      problemOf('expired.pem'),
      'the certificate CN=m365-health-expired expired on 2021-01-01T00:00:00.000Z: create a new one and upload it to the app registration',
    );
    assert.equal(
      problemOf('not-yet-valid.pem'),
      'the certificate CN=m365-health-future is not valid before 2120-01-01T00:00:00.000Z',
    );
    assert.match(
      problemOf('client.pem', undefined, Date.parse('2125-01-01T00:00:00Z')),
      /expired on 2125-01-01T00:00:00\.000Z/,
    );
    assert.equal(read('expired.pem', undefined, Date.parse('2020-06-01T00:00:00Z')).ok, true);
  });

  test('printed in any way, it shows its subject and thumbprint, never its key', () => {
    const certificate = certificateOf('client-encrypted.pem', PASSWORD);
    const key = readFileSync(new URL('client.pem', CERTIFICATES), 'utf8')
      .split('-----BEGIN PRIVATE KEY-----')[1]
      .slice(0, 40);
    for (const text of [
      String(certificate),
      JSON.stringify(certificate),
      inspect(certificate, { depth: 5 }),
      inspect({ certificate }),
    ]) {
      assert.ok(text.includes(certificate.x5tS256), text);
      assert.ok(!text.includes('PRIVATE KEY') && !text.includes(key) && !text.includes(PASSWORD), text);
    }
  });
});
