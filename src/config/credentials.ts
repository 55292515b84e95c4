import { resolve } from 'node:path';
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm } from '../certificate/client-certificate.ts';
import { readClientCertificate } from '../certificate/read-client-certificate.ts';
import { Secret } from '../shared/secret.ts';
import { AZURE, CONFIG_DEFAULTS } from './defaults.ts';
import { describeReadError, type FileSources, resolvePath } from './files.ts';
import { isPlainObject, type PathSegment, type ProblemSink, reportProblem } from './problems.ts';
import type { TenantCertificate } from './types.ts';
import { type Environment, readEnv, reportVariableSetting, type Setting } from './values.ts';

/**
 * Schema of the credential keys of a tenant, one per kind; a tenant sets exactly one. A new kind is one more property
 * here and one more field in {@link TenantCredential}.
 */
export const CREDENTIAL_PROPERTIES = {
  client_secret: { type: 'string', minLength: 1 },
  certificate: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: { type: 'string', minLength: 1 },
      password: { type: 'string' },
      algorithm: { type: 'string', enum: ASSERTION_ALGORITHMS },
    },
  },
  federated_token_file: { type: 'string', minLength: 1 },
} as const;

const CREDENTIAL_KEYS = Object.keys(CREDENTIAL_PROPERTIES);
const ENVIRONMENT_CHOICES = `${AZURE.clientSecret}, ${AZURE.certificatePath} or ${AZURE.federatedTokenFile}`;

/** The credential of one tenant, as the token provider needs it; at most one field is set. */
export interface TenantCredential {
  clientSecret: Secret | undefined;
  certificate: TenantCertificate | undefined;
  federatedTokenFile: string | undefined;
}

/** What resolving a credential may read besides the tenant's keys. */
export interface CredentialSources extends CertificateSources {
  /** The environment, when the Azure SDK variables apply (a config with a single tenant); else undefined. */
  azureEnv: Environment | undefined;
}

/**
 * Checks that `tenant` sets exactly one credential and resolves it: a client secret, a certificate (read and checked
 * now) or a federated token file (an absolute path; read at each token request). A single-tenant config without a
 * credential key takes the first of `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH` (with
 * `AZURE_CLIENT_CERTIFICATE_PASSWORD`) and `AZURE_FEDERATED_TOKEN_FILE`, the Azure SDK's order. Values are never put
 * in messages.
 */
export function resolveCredential(
  tenant: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  sources: CredentialSources,
  sink: ProblemSink,
): TenantCredential {
  const present = CREDENTIAL_KEYS.filter((key) => tenant[key] !== undefined);
  if (present.length > 1) reportProblem(sink, at, `set only one credential; found ${present.join(' and ')}`);
  if (present.length > 0) return fromFile(tenant, at, sources, sink);
  const fromEnv = sources.azureEnv === undefined ? undefined : fromEnvironment(sources.azureEnv, at, sources, sink);
  if (fromEnv !== undefined) return fromEnv;
  const orEnv = sources.azureEnv === undefined ? '' : `, or the environment variable ${ENVIRONMENT_CHOICES}`;
  reportProblem(sink, at, `missing credential: set one of ${CREDENTIAL_KEYS.join(', ')}${orEnv}`);
  return none();
}

function none(): TenantCredential {
  return { clientSecret: undefined, certificate: undefined, federatedTokenFile: undefined };
}

function fromFile(
  tenant: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  sources: CredentialSources,
  sink: ProblemSink,
): TenantCredential {
  const secret = tenant['client_secret'];
  const certificate = tenant['certificate'];
  const tokenFile = tenant['federated_token_file'];
  const written = isPlainObject(certificate) ? certificate : {};
  const path = written['path'];
  const password = written['password'];
  const algorithm = written['algorithm'];
  return {
    clientSecret: typeof secret === 'string' && secret !== '' ? new Secret(secret) : undefined,
    certificate:
      typeof path === 'string' && path !== ''
        ? resolveCertificate(
            {
              path: { raw: path, at: [...at, 'certificate', 'path'], variable: undefined },
              password: typeof password === 'string' && password !== '' ? password : undefined,
              algorithm: typeof algorithm === 'string' ? algorithm : undefined,
            },
            sources,
            sink,
          )
        : undefined,
    federatedTokenFile:
      typeof tokenFile === 'string' && tokenFile !== '' ? resolvePath(tokenFile, sources.baseDir) : undefined,
  };
}

function fromEnvironment(
  env: Environment,
  at: readonly PathSegment[],
  sources: CredentialSources,
  sink: ProblemSink,
): TenantCredential | undefined {
  const secret = readEnv(env, AZURE.clientSecret);
  if (secret !== undefined) return { ...none(), clientSecret: new Secret(secret) };
  const certificatePath = readEnv(env, AZURE.certificatePath);
  if (certificatePath !== undefined) {
    const path: Setting = { raw: certificatePath, at: [...at, 'certificate', 'path'], variable: AZURE.certificatePath };
    const input = { path, password: readEnv(env, AZURE.certificatePassword), algorithm: undefined };
    return { ...none(), certificate: resolveCertificate(input, sources, sink) };
  }
  const tokenFile = readEnv(env, AZURE.federatedTokenFile);
  return tokenFile === undefined ? undefined : { ...none(), federatedTokenFile: resolve(tokenFile) };
}

/** What checking certificates and CA bundles at load time needs: where files are, how to read them, and when it is. */
export interface CertificateSources extends FileSources {
  /** Reads a whole file as bytes (bounded); throws with a `code` when it cannot. */
  readBytes: (path: string) => Uint8Array;
  /** ms since epoch: certificates must be valid then. */
  now: number;
}

/** A certificate as written: its path setting (in the file or `AZURE_CLIENT_CERTIFICATE_PATH`), password, algorithm. */
interface CertificateInput {
  path: Setting;
  password: string | undefined;
  algorithm: string | undefined;
}

/**
 * Reads and checks a client certificate when the configuration loads, so that an unreadable file, a wrong password, a
 * key that does not match, a non-RSA key or a certificate outside its validity window is a configuration problem,
 * reported at `path`, rather than a refusal from the identity platform later. Only where the file is, its password
 * and the algorithm are kept: `auth/` reads the file again when it signs.
 */
function resolveCertificate(
  input: CertificateInput,
  sources: CertificateSources,
  sink: ProblemSink,
): TenantCertificate | undefined {
  const written = String(input.path.raw);
  // A path from AZURE_CLIENT_CERTIFICATE_PATH is relative to the working directory, as for the Azure SDK.
  const path = resolvePath(written, sources.baseDir, input.path.variable !== undefined);
  const shown = JSON.stringify(path);
  let bytes: Uint8Array;
  try {
    bytes = sources.readBytes(path);
  } catch (error) {
    reportVariableSetting(sink, input.path, `cannot read certificate file ${shown}: ${describeReadError(error)}`);
    return undefined;
  }
  const reading = readClientCertificate({ bytes, password: input.password, now: sources.now });
  if (!reading.ok) {
    reportVariableSetting(sink, input.path, `certificate file ${shown}: ${reading.message}`);
    return undefined;
  }
  const password = input.password === undefined ? undefined : new Secret(input.password);
  return { path, password, algorithm: algorithmOf(input.algorithm) };
}

function algorithmOf(value: string | undefined): AssertionAlgorithm {
  return ASSERTION_ALGORITHMS.find((algorithm) => algorithm === value) ?? CONFIG_DEFAULTS.tenant.certificateAlgorithm;
}
