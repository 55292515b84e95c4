import { AZURE, cloudOfAuthorityHost, CLOUD_ENDPOINTS, CLOUD_NAMES } from '../config/defaults.ts';
import { Secret } from '../shared/secret.ts';
import type { CloudName, Endpoints } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';
import { nonEmpty, parseChoice } from './parse-argv.ts';

/** The endpoint options as given. */
export interface EndpointArguments {
  readonly cloud: string | undefined;
  readonly login: string | undefined;
  readonly graph: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The cloud and its login and Graph URLs: `--login-endpoint`/`--graph-endpoint` win, then `AZURE_AUTHORITY_HOST` for
 * the login URL, then the hosts of `--cloud` (default: the cloud of `AZURE_AUTHORITY_HOST` if it is a known one,
 * else `global`).
 */
export function resolveCheckEndpoints(args: EndpointArguments): { cloud: CloudName; endpoints: Endpoints } {
  const authority = nonEmpty(args.env[AZURE.authorityHost]);
  const implied = authority === undefined ? undefined : cloudOfAuthorityHost(authority);
  const cloud =
    args.cloud === undefined || args.cloud === ''
      ? (implied ?? 'global')
      : parseChoice('cloud', args.cloud, CLOUD_NAMES);
  const hosts = CLOUD_ENDPOINTS[cloud];
  const login =
    nonEmpty(args.login) === undefined && authority !== undefined
      ? parseEndpoint(AZURE.authorityHost, authority, `${AZURE.authorityHost} must be an http(s) URL`)
      : parseEndpoint('--login-endpoint', nonEmpty(args.login) ?? hosts.login);
  return { cloud, endpoints: { login, graph: parseEndpoint('--graph-endpoint', nonEmpty(args.graph) ?? hosts.graph) } };
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
