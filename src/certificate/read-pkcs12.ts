import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { CertificateError, type CertificateMaterial } from './client-certificate.ts';

/**
 * Reads a PKCS#12 (`.pfx`, `.p12`) file with node-forge, since Node has no PKCS#12 parser: its MAC is checked with
 * the password, shrouded key bags and encrypted certificate bags (PBES2/AES as OpenSSL 3 writes them, or the legacy
 * 3DES/RC2 of older tools) are decrypted. Certificates and key come out as Node objects.
 */
export function readPkcs12(bytes: Uint8Array, password: string | undefined): CertificateMaterial {
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
