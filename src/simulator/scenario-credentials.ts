import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { join, type ScenarioReader } from './scenario-reader.ts';
import type { FederatedRegistration } from './scenario-types.ts';

/** Where relative file names of a scenario start: the scenario file's directory, else the working directory. */
export function scenarioBaseDir(source: string): string {
  return source === 'scenario' ? process.cwd() : dirname(resolve(source));
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;
const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * A client's registered certificate: inline PEM, or the path of a PEM file (only its first certificate is read; a
 * private key next to it is ignored). Returns the certificate's PEM.
 */
export function readRegisteredCertificate(
  r: ScenarioReader,
  value: unknown,
  path: string,
  baseDir: string,
): string | undefined {
  const text = r.string(value, path);
  if (text === undefined) return undefined;
  const pem = text.includes('-----BEGIN') ? text : readText(r, text, path, baseDir);
  const block = pem === undefined ? undefined : PEM_CERTIFICATE.exec(pem)?.[0];
  if (pem === undefined) return undefined;
  if (block === undefined || !isCertificate(block))
    return r.fail(path, 'expected a PEM certificate (-----BEGIN CERTIFICATE-----)');
  return block;
}

/**
 * A client's federated credential: the `issuer`, `subject` and `audience` (default `api://AzureADTokenExchange`)
 * external tokens must carry, and the issuer's signing keys as a JWKS (inline, or the path of a JSON file).
 */
export function readFederatedRegistration(
  r: ScenarioReader,
  value: unknown,
  path: string,
  baseDir: string,
): FederatedRegistration | undefined {
  const raw = r.mapping(value, path, ['issuer', 'subject', 'audience', 'jwks'], ['issuer', 'subject', 'jwks']);
  if (!raw) return undefined;
  const issuer = r.string(raw['issuer'], join(path, 'issuer'));
  const subject = r.string(raw['subject'], join(path, 'subject'));
  const audience = r.string(raw['audience'], join(path, 'audience')) ?? DEFAULT_AUDIENCE;
  const keys = readJwks(r, raw['jwks'], join(path, 'jwks'), baseDir);
  if (issuer === undefined || subject === undefined || keys === undefined) return undefined;
  return { issuer, subject, audience, keys };
}

function readJwks(r: ScenarioReader, value: unknown, path: string, baseDir: string): JsonWebKey[] | undefined {
  let jwks: unknown = value;
  if (typeof value === 'string') {
    const text = readText(r, value, path, baseDir);
    if (text === undefined) return undefined;
    try {
      jwks = JSON.parse(text);
    } catch {
      return r.fail(path, 'expected a JSON Web Key Set ({"keys": [...]})');
    }
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPublicJwk)) {
    return r.fail(path, 'expected a JSON Web Key Set ({"keys": [...]}) of public keys');
  }
  return keys as JsonWebKey[];
}

function readText(r: ScenarioReader, file: string, path: string, baseDir: string): string | undefined {
  const absolute = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    return r.fail(path, `cannot read ${absolute}: ${(error as { code?: string }).code ?? 'read failed'}`);
  }
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

function isPublicJwk(key: unknown): boolean {
  if (typeof key !== 'object' || key === null || 'd' in key) return false;
  try {
    createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}
