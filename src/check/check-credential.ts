import { resolve } from 'node:path';
import { loadClientCertificate, type ClientCredential } from '../auth/client-auth.ts';
import { AZURE } from '../config/defaults.ts';
import { Secret } from '../shared/secret.ts';
import { M365Error } from '../errors.ts';
import { nonEmpty } from './parse-argv.ts';

/** The command line's credential options, by name, and where to fall back to. */
export interface CredentialArguments {
  /** Option values as given (`client-secret`, `certificate`, `certificate-password`, `federated-token-file`). */
  readonly value: (name: string) => string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** ms since epoch: a certificate must be valid then. */
  readonly now: number;
}

/** A credential option, its Azure SDK variable, and how it becomes a credential. */
const KINDS = [
  { option: 'client-secret', variable: AZURE.clientSecret },
  { option: 'certificate', variable: AZURE.certificatePath },
  { option: 'federated-token-file', variable: AZURE.federatedTokenFile },
] as const;

/** The check's credential, and what a token cached between runs is tied to. */
export interface CheckCredential {
  readonly credential: ClientCredential;
  /** The client secret, the thumbprint of the certificate checked now, or the federated token file. */
  readonly cacheKey: Secret;
}

/**
 * The check's credential: exactly one of `--client-secret`, `--certificate` (with `--certificate-password`) and
 * `--federated-token-file`; without any, the first of `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH` (with
 * `AZURE_CLIENT_CERTIFICATE_PASSWORD`) and `AZURE_FEDERATED_TOKEN_FILE`. A certificate is read and checked now, and
 * again when the token is requested. Throws `CONFIG_INVALID` with the sentence to print; never quotes a secret or
 * password.
 */
export function resolveCheckCredential(args: CredentialArguments): CheckCredential {
  const given = KINDS.filter((kind) => nonEmpty(args.value(kind.option)) !== undefined);
  if (given.length > 1) {
    throw new M365Error('CONFIG_INVALID', `Set only one of ${given.map((kind) => `--${kind.option}`).join(', ')}.`);
  }
  const fromArgs = given[0];
  const kind = fromArgs ?? KINDS.find((candidate) => nonEmpty(args.env[candidate.variable]) !== undefined);
  if (kind === undefined) {
    throw new M365Error(
      'CONFIG_INVALID',
      'Need to specify --client-secret option (or --certificate, or --federated-token-file).',
    );
  }
  const text = (fromArgs ? args.value(kind.option) : args.env[kind.variable])!.trim();
  const password = fromArgs ? args.value('certificate-password') : args.env[AZURE.certificatePassword];
  const origin = fromArgs ? `--${kind.option}` : kind.variable;
  if (kind.option === 'client-secret') {
    const secret = new Secret(fromArgs ? args.value(kind.option)! : text);
    return { credential: { kind: 'secret', secret }, cacheKey: secret };
  }
  if (kind.option === 'federated-token-file') {
    const tokenFile = resolve(text);
    return { credential: { kind: 'federated', tokenFile }, cacheKey: new Secret(`federated:${tokenFile}`) };
  }
  const secretPassword = nonEmpty(password) === undefined ? undefined : new Secret(password!);
  const credential = {
    kind: 'certificate',
    path: resolve(text),
    password: secretPassword,
    algorithm: 'PS256',
  } as const;
  const loaded = loadClientCertificate(credential, args.now);
  if (!loaded.ok) {
    const where = loaded.unreadable ? `${origin}: cannot read ${credential.path}` : `${origin}=${credential.path}`;
    throw new M365Error('CONFIG_INVALID', `${where}: ${loaded.message}`);
  }
  return { credential, cacheKey: new Secret(`certificate:${loaded.certificate.x5tS256}`) };
}
