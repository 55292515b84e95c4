import { resolve } from 'node:path';
import { ASSERTION_ALGORITHMS } from '../certificate/client-certificate.ts';
import { readClientCertificate } from '../certificate/read-client-certificate.ts';
import { Secret } from '../shared/secret.ts';
import { AZURE, CONFIG_DEFAULTS } from './defaults.ts';
import { type FileSources, readNamedFile, resolvePath } from './files.ts';
import { type PathSegment, type ProblemSink, reportProblem } from './problems.ts';
import type { TenantCertificate, TenantConfig } from './types.ts';
import { type Environment, readEnv, reportSetting, sectionOf, type Setting } from './values.ts';

/** The credential keys of a tenant, one per kind (each one a property of the tenant's schema); a tenant sets one. */
const CREDENTIAL_KEYS = ['client_secret', 'certificate', 'federated_token_file'];
const ENVIRONMENT_CHOICES = `${AZURE.clientSecret}, ${AZURE.certificatePath} or ${AZURE.federatedTokenFile}`;

/** The credential of one tenant, as the token provider needs it; at most one field is set. */
export type TenantCredential = Pick<TenantConfig, 'clientSecret' | 'certificate' | 'federatedTokenFile'>;

/** What resolving a credential may read besides the tenant's keys. */
export interface CredentialSources extends CertificateSources {
  /** The environment, when the Azure SDK variables apply (a config with a single tenant); else undefined. */
  azureEnv: Environment | undefined;
}

/**
 * The credential of a tenant, taken whole from the first level that sets one: the tenant's own keys, else
 * `inherited` (the credential `defaults` sets, already checked there), else, in a single-tenant config, the first of
 * `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH` (with `AZURE_CLIENT_CERTIFICATE_PASSWORD`) and
 * `AZURE_FEDERATED_TOKEN_FILE`, the Azure SDK's order. So a tenant's `client_secret` replaces a `certificate` of
 * `defaults`: a tenant never has two credentials from different levels. None at any level is a problem at the
 * tenant. Values are never put in messages.
 */
export function resolveCredential(
  tenant: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  sources: CredentialSources,
  inherited: TenantCredential | undefined,
  sink: ProblemSink,
): TenantCredential {
  const own = readCredential(tenant, at, sources, sink);
  if (own !== undefined) return own;
  if (inherited !== undefined) return inherited;
  const fromEnv = sources.azureEnv && fromEnvironment(sources.azureEnv, at, sources, sink);
  if (fromEnv !== undefined) return fromEnv;
  const orEnv = sources.azureEnv === undefined ? '' : `, or the environment variable ${ENVIRONMENT_CHOICES}`;
  const message = `missing credential: set one of ${CREDENTIAL_KEYS.join(', ')} here or in defaults${orEnv}`;
  reportProblem(sink, at, message);
  return NONE;
}

/**
 * The credential `section` (a tenant or `defaults`) writes, checked: a client secret, a certificate (read and checked
 * now) or a federated token file (an absolute path; read at each token request). More than one is a problem at the
 * section; `undefined` when it writes none.
 */
export function readCredential(
  section: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  sources: CertificateSources,
  sink: ProblemSink,
): TenantCredential | undefined {
  const present = CREDENTIAL_KEYS.filter((key) => section[key] !== undefined);
  if (present.length > 1) reportProblem(sink, at, `set only one credential; found ${present.join(' and ')}`);
  return present.length > 0 ? fromFile(section, at, sources, sink) : undefined;
}

const NONE: TenantCredential = Object.freeze({
  clientSecret: undefined,
  certificate: undefined,
  federatedTokenFile: undefined,
});

function fromFile(
  tenant: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  sources: CertificateSources,
  sink: ProblemSink,
): TenantCredential {
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const secret = text(tenant['client_secret']);
  const { path, password, algorithm } = sectionOf(tenant['certificate']);
  const pathSetting = { raw: path, at: [...at, 'certificate', 'path'], variable: undefined };
  const tokenFile = text(tenant['federated_token_file']);
  return {
    clientSecret: secret === undefined ? undefined : new Secret(secret),
    certificate:
      text(path) === undefined ? undefined : resolveCertificate(pathSetting, text(password), algorithm, sources, sink),
    federatedTokenFile: tokenFile === undefined ? undefined : resolvePath(tokenFile, sources.baseDir),
  };
}

/** The first of the Azure SDK's credential variables that is set, in its order. */
function fromEnvironment(
  env: Environment,
  at: readonly PathSegment[],
  sources: CredentialSources,
  sink: ProblemSink,
): TenantCredential | undefined {
  const secret = readEnv(env, AZURE.clientSecret);
  if (secret !== undefined) return { ...NONE, clientSecret: new Secret(secret) };
  const certificatePath = readEnv(env, AZURE.certificatePath);
  if (certificatePath !== undefined) {
    const path = { raw: certificatePath, at: [...at, 'certificate', 'path'], variable: AZURE.certificatePath };
    const password = readEnv(env, AZURE.certificatePassword);
    return { ...NONE, certificate: resolveCertificate(path, password, undefined, sources, sink) };
  }
  const tokenFile = readEnv(env, AZURE.federatedTokenFile);
  return tokenFile === undefined ? undefined : { ...NONE, federatedTokenFile: resolve(tokenFile) };
}

/** What checking certificates and CA bundles at load time needs: where files are, how to read them, and when it is. */
export interface CertificateSources extends FileSources {
  /** Reads a whole file as bytes (bounded); throws with a `code` when it cannot. */
  readBytes: (path: string) => Uint8Array;
  /** ms since epoch: certificates must be valid then. */
  now: number;
}

/**
 * Reads and checks a client certificate when the configuration loads, so that an unreadable file, a wrong password, a
 * key that does not match, a non-RSA key or a certificate outside its validity window is a configuration problem,
 * reported at `path` (in the file or `AZURE_CLIENT_CERTIFICATE_PATH`), rather than a refusal from the identity
 * platform later. Only where the file is, its password and the algorithm are kept: `auth/` reads the file again
 * when it signs.
 */
function resolveCertificate(
  path: Setting,
  password: string | undefined,
  algorithm: unknown,
  sources: CertificateSources,
  sink: ProblemSink,
): TenantCertificate | undefined {
  const file = readNamedFile(path, 'certificate file', sources.readBytes, sources.baseDir, sink);
  if (file === undefined) return undefined;
  const reading = readClientCertificate({ bytes: file.content, password, now: sources.now });
  if (!reading.ok) {
    reportSetting(sink, path, `certificate file ${JSON.stringify(file.path)}: ${reading.message}`, true);
    return undefined;
  }
  return {
    path: file.path,
    password: password === undefined ? undefined : new Secret(password),
    algorithm: ASSERTION_ALGORITHMS.find((name) => name === algorithm) ?? CONFIG_DEFAULTS.tenant.certificateAlgorithm,
  };
}
