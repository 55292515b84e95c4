import { resolve } from 'node:path';
import { loadClientCertificate, type ClientCredential } from '../auth/client-auth.ts';
import { AZURE, cloudOfAuthorityHost, CLOUD_ENDPOINTS, CLOUD_NAMES } from '../config/defaults.ts';
import type { CloudName, Endpoints } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';
import { Secret } from '../shared/secret.ts';
import { nonEmpty, parseChoice } from './parse-argv.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A credential option, and its Azure SDK variable. */
const KINDS = [
  { option: 'client-secret', variable: AZURE.clientSecret },
  { option: 'certificate', variable: AZURE.certificatePath },
  { option: 'federated-token-file', variable: AZURE.federatedTokenFile },
] as const;

/**
 * The check's credential, and what a token cached between runs is tied to (the client secret, the thumbprint of
 * the certificate checked at `now`, or the federated token file): exactly one of `--client-secret`, `--certificate`
 * (with `--certificate-password`) and `--federated-token-file` (`value` reads the options); without any, the first of
 * `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH` (with `AZURE_CLIENT_CERTIFICATE_PASSWORD`) and
 * `AZURE_FEDERATED_TOKEN_FILE`. A certificate is checked again when the token is requested. Throws `CONFIG_INVALID`
 * with the sentence to print; never quotes a secret or password.
 */
export function resolveCheckCredential(
  value: (name: string) => string | undefined,
  env: Env,
  now: number,
): { credential: ClientCredential; cacheKey: Secret } {
  const given = KINDS.filter((kind) => nonEmpty(value(kind.option)) !== undefined);
  if (given.length > 1) {
    throw new M365Error('CONFIG_INVALID', `Set only one of ${given.map((kind) => `--${kind.option}`).join(', ')}.`);
  }
  const fromArgs = given[0];
  const kind = fromArgs ?? KINDS.find((candidate) => nonEmpty(env[candidate.variable]) !== undefined);
  if (kind === undefined) {
    throw new M365Error(
      'CONFIG_INVALID',
      'Need to specify --client-secret option (or --certificate, or --federated-token-file).',
    );
  }
  const raw = (fromArgs ? value(kind.option) : env[kind.variable])!;
  if (kind.option === 'client-secret') {
    const secret = new Secret(fromArgs ? raw : raw.trim());
    return { credential: { kind: 'secret', secret }, cacheKey: secret };
  }
  const path = resolve(raw.trim());
  if (kind.option === 'federated-token-file') {
    return { credential: { kind: 'federated', tokenFile: path }, cacheKey: new Secret(`federated:${path}`) };
  }
  const password = fromArgs ? value('certificate-password') : env[AZURE.certificatePassword];
  const credential = {
    kind: 'certificate',
    path,
    password: nonEmpty(password) === undefined ? undefined : new Secret(password!),
    algorithm: 'PS256',
  } as const;
  const loaded = loadClientCertificate(credential, now);
  if (!loaded.ok) {
    const origin = fromArgs ? `--${kind.option}` : kind.variable;
    const where = loaded.unreadable ? `${origin}: cannot read ${path}` : `${origin}=${path}`;
    throw new M365Error('CONFIG_INVALID', `${where}: ${loaded.message}`);
  }
  return { credential, cacheKey: new Secret(`certificate:${loaded.certificate.x5tS256}`) };
}

/**
 * The cloud and its login and Graph URLs: `--login-endpoint`/`--graph-endpoint` win, then `AZURE_AUTHORITY_HOST` for
 * the login URL, then the hosts of `--cloud` (default: the cloud of `AZURE_AUTHORITY_HOST` if it is a known one,
 * else `global`).
 */
export function resolveCheckEndpoints(
  value: (name: string) => string | undefined,
  env: Env,
): { cloud: CloudName; endpoints: Endpoints } {
  const authority = nonEmpty(env[AZURE.authorityHost]);
  const implied = authority === undefined ? undefined : cloudOfAuthorityHost(authority);
  const cloudOption = value('cloud');
  const cloud =
    cloudOption === undefined || cloudOption === ''
      ? (implied ?? 'global')
      : parseChoice('cloud', cloudOption, CLOUD_NAMES);
  const hosts = CLOUD_ENDPOINTS[cloud];
  const loginOption = nonEmpty(value('login-endpoint'));
  const login =
    loginOption === undefined && authority !== undefined
      ? parseEndpoint(AZURE.authorityHost, authority, `${AZURE.authorityHost} must be an http(s) URL`)
      : parseEndpoint('--login-endpoint', loginOption ?? hosts.login);
  const graph = parseEndpoint('--graph-endpoint', nonEmpty(value('graph-endpoint')) ?? hosts.graph);
  return { cloud, endpoints: { login, graph } };
}

function parseEndpoint(name: string, raw: string, message = `${name} must be an http(s) URL, got '${raw}'`): string {
  const url = URL.parse(raw);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new M365Error('CONFIG_INVALID', message);
  // The documented paths are appended to it: after a query or a fragment they would not be paths any more.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(raw)) {
    throw new M365Error(
      'CONFIG_INVALID',
      `${name} must be a URL without ? or #, as paths are appended to it, got '${raw}'`,
    );
  }
  return raw.replace(/\/+$/, '');
}

/** `--proxyurl` (Centreon's name): an `http://` or `https://` proxy, credentials allowed and never shown. */
export function parseProxyUrl(raw: string | undefined): Secret | undefined {
  if (raw === undefined || raw === '') return undefined;
  const url = URL.parse(raw);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new M365Error(
      'CONFIG_INVALID',
      `--proxyurl must be an http:// or https:// URL such as http://proxy:3128, got '${hideUrlCredentials(raw)}'`,
    );
  }
  return new Secret(raw);
}
