import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { from, mapping, orElse, then, text, type Read, type ScenarioReader } from './scenario-reader.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

/**
 * A client's registered certificate: inline PEM, or the path of a PEM file (only its first certificate is read; a
 * private key next to it is ignored). Reads as the certificate's PEM.
 */
export const registeredCertificate = then(text, (value, r, path) => {
  const pem = value.includes('-----BEGIN') ? value : readText(r, value, path);
  if (pem === undefined) return undefined;
  const block = PEM_CERTIFICATE.exec(pem)?.[0];
  if (block === undefined || !isValid(() => new X509Certificate(block))) {
    return r.fail(path, 'expected a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  return block;
});

/** A JSON Web Key Set of public keys, inline or the path of a JSON file: the issuer's keys (its `jwks_uri`). */
const jwks: Read<readonly JWK[] | undefined> = (r, value, path) => {
  if (value === undefined || value === null) return undefined;
  let set: unknown = value;
  if (typeof value === 'string') {
    const json = readText(r, value, path);
    if (json === undefined) return undefined;
    try {
      set = JSON.parse(json);
    } catch {
      return r.fail(path, 'expected a JSON Web Key Set ({"keys": [...]})');
    }
  }
  const keys = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPublicJwk)) {
    return r.fail(path, 'expected a JSON Web Key Set ({"keys": [...]}) of public keys');
  }
  return keys as JWK[];
};

/** A federated identity credential: an external issuer's token with this subject and audience stands for the app. */
export const federatedCredential = mapping(
  { issuer: text, subject: text, audience: orElse(text, 'api://AzureADTokenExchange'), keys: from('jwks', jwks) },
  ['issuer', 'subject', 'keys'],
);

function readText(r: ScenarioReader, file: string, path: string): string | undefined {
  const absolute = isAbsolute(file) ? file : resolve(r.baseDir, file);
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    return r.fail(path, `cannot read ${absolute}: ${(error as { code?: string }).code ?? 'read failed'}`);
  }
}

function isPublicJwk(key: unknown): boolean {
  if (typeof key !== 'object' || key === null || 'd' in key) return false;
  return isValid(() => createPublicKey({ key: key as JsonWebKey, format: 'jwk' }));
}

function isValid(build: () => unknown): boolean {
  try {
    build();
    return true;
  } catch {
    return false;
  }
}
