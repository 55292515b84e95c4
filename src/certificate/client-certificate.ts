import { createHash, type KeyObject, type webcrypto, type X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';

/** Signature algorithms of the client assertion: PS256 (Entra's current docs, the default) or RS256. */
export type AssertionAlgorithm = 'PS256' | 'RS256';

export const ASSERTION_ALGORITHMS: readonly AssertionAlgorithm[] = ['PS256', 'RS256'];

const WEB_CRYPTO_ALGORITHMS: Readonly<Record<AssertionAlgorithm, webcrypto.RsaHashedImportParams>> = {
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};

function base64urlDigest(algorithm: 'sha1' | 'sha256', der: Uint8Array): string {
  return createHash(algorithm).update(der).digest('base64url');
}

/**
 * A certificate registered on the app registration and its private key, checked to belong together. Prints as its
 * subject and thumbprint, never its key; only {@link ClientCertificate.signingKey} hands the key out, to sign.
 */
export class ClientCertificate {
  /** Distinguished name, e.g. `CN=m365-health`. */
  readonly subject: string;
  /** Validity window, ms since epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** base64url SHA-1 of the certificate's DER: the JWT header `x5t`. */
  readonly x5t: string;
  /** base64url SHA-256 of the certificate's DER: the JWT header `x5t#S256`. */
  readonly x5tS256: string;
  /** The certificate in PEM, public. */
  readonly pem: string;
  readonly #key: KeyObject;

  constructor(certificate: X509Certificate, key: KeyObject) {
    this.subject = certificate.subject.replaceAll('\n', ', ');
    this.notBefore = certificate.validFromDate.getTime();
    this.notAfter = certificate.validToDate.getTime();
    this.x5t = base64urlDigest('sha1', certificate.raw);
    this.x5tS256 = base64urlDigest('sha256', certificate.raw);
    this.pem = certificate.toString();
    this.#key = key;
    Object.freeze(this);
  }

  /** The private key as a WebCrypto signing key for `algorithm`, as openid-client's `PrivateKeyJwt` wants it. */
  signingKey(algorithm: AssertionAlgorithm): webcrypto.CryptoKey {
    return this.#key.toCryptoKey(WEB_CRYPTO_ALGORITHMS[algorithm], false, ['sign']);
  }

  /** Why the certificate cannot be used at `now` (expired, not yet valid), or undefined when it can. */
  checkValidity(now: number): string | undefined {
    const name = `the certificate ${this.subject}`;
    if (now < this.notBefore) return `${name} is not valid before ${new Date(this.notBefore).toISOString()}`;
    if (now >= this.notAfter) {
      return `${name} expired on ${new Date(this.notAfter).toISOString()}: create a new one and upload it to the app registration`;
    }
    return undefined;
  }

  toString(): string {
    return `ClientCertificate(${this.subject}, x5t#S256=${this.x5tS256})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
