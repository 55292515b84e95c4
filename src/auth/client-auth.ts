import * as oidc from 'openid-client';
import type { Secret } from '../shared/secret.ts';
import { M365Error } from '../errors.ts';
import type { TenantCertificate, TenantConfig } from '../config/types.ts';
import type { ClientCertificate } from '../certificate/client-certificate.ts';
import { readClientCertificate } from '../certificate/read-client-certificate.ts';
import { describeReadError, readFileBoundedSync } from '../config/files.ts';

/**
 * How an app proves who it is: a client secret, a certificate file (its path, password and assertion algorithm), or
 * a token from a federated identity provider. Plain data: files are read when a token is requested.
 */
export type ClientCredential =
  | { readonly kind: 'secret'; readonly secret: Secret }
  | ({ readonly kind: 'certificate' } & Readonly<TenantCertificate>)
  | { readonly kind: 'federated'; readonly tokenFile: string };

/** The credential a loaded tenant configures: its certificate, federated token file or client secret. */
export function tenantCredential(tenant: TenantConfig): ClientCredential {
  if (tenant.certificate) return { kind: 'certificate', ...tenant.certificate };
  if (tenant.federatedTokenFile !== undefined) return { kind: 'federated', tokenFile: tenant.federatedTokenFile };
  if (tenant.clientSecret) return { kind: 'secret', secret: tenant.clientSecret };
  throw new M365Error('CONFIG_INVALID', `tenant ${tenant.name} has no credential`);
}

/** What the client authentication needs besides the credential. */
export interface ClientAuthContext {
  /** The token endpoint: the audience of a client assertion, as one string. */
  tokenEndpoint: string;
  clock: () => number;
  /** Told of each certificate an assertion is signed with: its `notAfter` is the credential's expiry. */
  onCertificate?: (certificate: ClientCertificate) => void;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Lifetime of a signed client assertion: well within the 10 minutes Entra tolerates. */
const ASSERTION_LIFETIME_S = 300;

/** The openid-client client authentication for a credential. */
export function createClientAuth(credential: ClientCredential, context: ClientAuthContext): oidc.ClientAuth {
  switch (credential.kind) {
    case 'secret':
      return oidc.ClientSecretPost(credential.secret.reveal());
    case 'certificate':
      return certificateAuth(credential, context);
    case 'federated':
      return federatedAuth(credential.tokenFile);
  }
}

/**
 * `private_key_jwt` as Entra wants it: header `typ: JWT`, `x5t` and `x5t#S256` of the certificate (both: some
 * tenants refuse `x5t#S256` alone), `aud` the token endpoint as a single string, `iss` = `sub` = client id, a fresh
 * `jti` (openid-client's), `nbf`/`iat` now and `exp` five minutes later. The certificate file is read and checked
 * afresh for every token request, so a certificate renewed in place is used from the next token on; a file that
 * cannot be read or used any more (removed, expired, replaced by something else) is refused here, naming the file,
 * instead of by Entra.
 */
function certificateAuth(
  credential: Extract<ClientCredential, { kind: 'certificate' }>,
  context: ClientAuthContext,
): oidc.ClientAuth {
  return (as, client, body, headers) => {
    const loaded = loadClientCertificate(credential, context.clock());
    if (!loaded.ok) {
      const message = loaded.unreadable
        ? `cannot read the certificate file ${credential.path}: ${loaded.message}`
        : `${loaded.message} (${credential.path})`;
      throw new M365Error('CONFIG_INVALID', message);
    }
    const { certificate } = loaded;
    context.onCertificate?.(certificate);
    const sign = oidc.PrivateKeyJwt(certificate.signingKey(credential.algorithm), {
      [oidc.modifyAssertion]: (header, payload) => {
        const now = Math.floor(context.clock() / 1000);
        Object.assign(header, { typ: 'JWT', x5t: certificate.x5t, 'x5t#S256': certificate.x5tS256 });
        Object.assign(payload, { aud: context.tokenEndpoint, iat: now, nbf: now, exp: now + ASSERTION_LIFETIME_S });
      },
    });
    return sign(as, client, body, headers);
  };
}

/**
 * A token issued by another identity provider (Kubernetes, GitHub Actions), read afresh from its file for every
 * request, since the platform renews the file, and sent as the client assertion.
 */
function federatedAuth(path: string): oidc.ClientAuth {
  return (_as, client, body) => {
    const token = readTokenFile(path).trim();
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      throw new M365Error('CONFIG_INVALID', `the federated token file ${path} does not hold a JWT`);
    }
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', JWT_BEARER);
    body.set('client_assertion', token);
  };
}

/** Largest federated token file used: a projected service-account token is about 1 KB. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/**
 * Reads a federated token file through the bounded reader of configuration files (a regular file, opened without
 * blocking on a FIFO), refusing one past {@link MAX_TOKEN_FILE_BYTES}. Throws `CONFIG_INVALID` naming the file.
 */
function readTokenFile(path: string): string {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileBoundedSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EISDIR' || code === 'ENOTREG') {
      throw new M365Error('CONFIG_INVALID', `the federated token file ${path} is not a regular file: refused`);
    }
    if (code !== 'EFBIG') {
      const reason = typeof code === 'string' ? code : 'read failed';
      throw new M365Error('CONFIG_INVALID', `cannot read the federated token file ${path}: ${reason}`, {
        cause: error,
      });
    }
  }
  if (bytes === undefined || bytes.byteLength > MAX_TOKEN_FILE_BYTES) {
    const message = `the federated token file ${path} is larger than ${MAX_TOKEN_FILE_BYTES} bytes: not a token, refused`;
    throw new M365Error('CONFIG_INVALID', message);
  }
  return new TextDecoder().decode(bytes);
}

/** A certificate file as loaded: the certificate and its key, or why not (`unreadable`: the file could not be read). */
type CertificateLoad =
  | { readonly ok: true; readonly certificate: ClientCertificate }
  | { readonly ok: false; readonly unreadable: boolean; readonly message: string };

/**
 * Reads the certificate and private key of `file` and checks them at `now`, as the configuration did when it loaded:
 * the file (a regular file of at most 1 MiB) may have been removed, or replaced, since. Never throws; messages hold
 * no secret.
 */
export function loadClientCertificate(
  file: Pick<TenantCertificate, 'path' | 'password'>,
  now: number,
): CertificateLoad {
  let bytes: Uint8Array;
  try {
    bytes = readFileBoundedSync(file.path);
  } catch (error) {
    return { ok: false, unreadable: true, message: describeReadError(error) };
  }
  const reading = readClientCertificate({ bytes, password: file.password?.reveal(), now });
  return reading.ok ? reading : { ok: false, unreadable: false, message: reading.message };
}
