import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { ClientCertificate } from './client-certificate.ts';

/** What a certificate file yields: the credential, or why it cannot be used (a sentence without secrets). */
export type CertificateReading = { ok: true; certificate: ClientCertificate } | { ok: false; message: string };

export interface CertificateInput {
  /** The file's bytes: PEM text (certificate and private key) or PKCS#12 (`.pfx`, `.p12`). */
  bytes: Uint8Array;
  /** Password of an encrypted PEM key or of the PKCS#12 file. */
  password: string | undefined;
  /** ms since epoch: the certificate must be valid then. */
  now: number;
}

/** Smallest RSA key the identity platform accepts for certificate credentials. */
const MIN_RSA_BITS = 2048;

/** A certificate and its private key, as found in a file, before they are checked against each other. */
interface CertificateMaterial {
  certificates: X509Certificate[];
  key: KeyObject;
}

/** A certificate file that cannot be used, with the sentence to show (never a secret). */
class CertificateError extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Reads a client certificate for the identity platform and checks what Entra would refuse later: a key that does not
 * match the certificate, a non-RSA or short key, a certificate outside its validity window. Never throws.
 */
export function readClientCertificate(input: CertificateInput): CertificateReading {
  try {
    const material = looksLikePem(input.bytes)
      ? readPem(input.bytes, input.password)
      : readPkcs12(input.bytes, input.password);
    const certificate = new ClientCertificate(pickCertificate(material), material.key);
    const invalid = certificate.checkValidity(input.now);
    return invalid === undefined ? { ok: true, certificate } : { ok: false, message: invalid };
  } catch (error) {
    if (error instanceof CertificateError) return { ok: false, message: error.message };
    throw error;
  }
}

function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64 * 1024))
    .toString('latin1')
    .includes('-----BEGIN ');
}

function readPem(bytes: Uint8Array, password: string | undefined): CertificateMaterial {
  const blocks = [...Buffer.from(bytes).toString('utf8').matchAll(PEM_BLOCK)].map((m) => ({
    label: m[1],
    text: m[0],
  }));
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => parseCertificate(b.text));
  if (certificates.length === 0)
    throw new CertificateError(
      'no certificate found: the PEM file must hold a certificate (-----BEGIN CERTIFICATE-----) and its private key',
    );
  const keyBlock = blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
  if (keyBlock === undefined) {
    throw new CertificateError(
      'no private key found: append the private key (-----BEGIN PRIVATE KEY-----) to the certificate in the PEM file',
    );
  }
  return { certificates, key: parsePemKey(keyBlock.text, password) };
}

function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new CertificateError('a CERTIFICATE block of the PEM file is not a valid X.509 certificate');
  }
}

function parsePemKey(pem: string, password: string | undefined): KeyObject {
  const encrypted = pem.includes('ENCRYPTED');
  if (encrypted && (password === undefined || password === '')) {
    throw new CertificateError('the private key is encrypted and no password is set');
  }
  try {
    return createPrivateKey(
      encrypted ? { key: pem, format: 'pem', passphrase: password } : { key: pem, format: 'pem' },
    );
  } catch {
    throw new CertificateError(
      encrypted ? 'cannot decrypt the private key: wrong password?' : 'the private key is not valid',
    );
  }
}

/** The certificate the key belongs to (a PEM file may carry a chain), checked to be usable by Entra. */
function pickCertificate(material: CertificateMaterial): X509Certificate {
  const { key, certificates } = material;
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CertificateError(
      `the private key is ${String(key.asymmetricKeyType).toUpperCase()}; the identity platform needs an RSA key`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new CertificateError(`the RSA key has ${bits} bits; use at least ${MIN_RSA_BITS}`);
  const matching = certificates.find((certificate) => certificate.checkPrivateKey(key));
  if (matching === undefined) {
    const subject = certificates[0].subject.replaceAll('\n', ', ');
    throw new CertificateError(
      `the private key does not match the certificate ${subject}: use the key the certificate was made with`,
    );
  }
  return matching;
}

/**
 * Reads a PKCS#12 (`.pfx`, `.p12`) file with node-forge, since Node has no PKCS#12 parser: its MAC is checked with
 * the password, shrouded key bags and encrypted certificate bags (PBES2/AES as OpenSSL 3 writes them, or the legacy
 * 3DES/RC2 of older tools) are decrypted. Certificates and key come out as Node objects.
 */
function readPkcs12(bytes: Uint8Array, password: string | undefined): CertificateMaterial {
  const pfx = openPkcs12(bytes, password ?? '');
  const keys = [forge.pki.oids.pkcs8ShroudedKeyBag, forge.pki.oids.keyBag].flatMap(
    (type) => pfx.getBags({ bagType: type })[type] ?? [],
  );
  const certificateBags = pfx.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const certificates = certificateBags.flatMap((bag) => (bag.cert ? [toX509(bag.cert)] : []));
  if (certificates.length === 0) {
    throw new CertificateError(
      certificateBags.length === 0
        ? 'the PKCS#12 file holds no certificate'
        : 'the certificate of the PKCS#12 file is not RSA; the identity platform needs an RSA key',
    );
  }
  const key = keys.find((bag) => bag.key !== undefined)?.key;
  if (key === undefined)
    throw new CertificateError('the PKCS#12 file holds no private key: export it with its private key');
  return { certificates, key: createPrivateKey(forge.pki.privateKeyToPem(key)) };
}

function openPkcs12(bytes: Uint8Array, password: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
  } catch {
    throw new CertificateError('the file is neither PEM (certificate and private key) nor PKCS#12 (.pfx)');
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/mac could not be verified|invalid password/i.test(message)) {
      throw new CertificateError(
        password === ''
          ? 'the PKCS#12 file is protected by a password and none is set'
          : 'cannot open the PKCS#12 file: wrong password?',
      );
    }
    throw new CertificateError('cannot read the PKCS#12 file: only RSA certificates and keys are supported');
  }
}

function toX509(certificate: forge.pki.Certificate): X509Certificate {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  return new X509Certificate(Buffer.from(der, 'binary'));
}
