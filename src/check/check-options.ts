import type { ClientCredential } from '../auth/client-auth.ts';
import { checkTenantInUrl, isEntraTenantName } from '../auth/token-endpoint.ts';
import type { Secret } from '../shared/secret.ts';
import type { CloudName, Endpoints } from '../config/types.ts';
import { AZURE } from '../config/defaults.ts';
import { M365Error } from '../errors.ts';
import { parseProxyUrl, resolveCheckCredential, resolveCheckEndpoints } from './check-connection.ts';
import { parseNagiosRange, type NagiosRange } from './nagios-threshold.ts';
import {
  compileFilterRegex,
  parseArgv,
  parseChoice,
  type FilterRegex,
  type OptionSpec,
  type OptionSpecs,
} from './parse-argv.ts';

const CHECK_MODES = ['service-status', 'list-services', 'app-credentials'] as const;
/** What one run does: check the services, list them, or check the expiry of the app registrations' credentials. */
export type CheckMode = (typeof CHECK_MODES)[number];

const CUSTOM_MODES = ['graphapi', 'managementapi'] as const;
/** Which language the check speaks: today's Graph one, or the retired Management API's (the seed's). */
export type CustomMode = (typeof CUSTOM_MODES)[number];

/** Which issues and services become entries. Absent regular expressions filter nothing. */
export interface EntryFilters {
  readonly includeServiceName: FilterRegex | undefined;
  readonly excludeServiceName: FilterRegex | undefined;
  readonly includeClassification: FilterRegex | undefined;
  readonly excludeClassification: FilterRegex | undefined;
  /** Resolved issues are left out (Centreon's `--exclude-resolved`, default 1). */
  readonly excludeResolved: boolean;
  /** Legacy features kept (`--filter-feature-name`). */
  readonly featureName: FilterRegex | undefined;
}

/** The levels of the status expressions, in the order the first match wins. */
export type StatusLevel = 'critical' | 'warning' | 'unknown';

/** The three status expressions, as written; an empty text never matches. */
export type StatusRuleTexts = Readonly<Record<StatusLevel, string>>;

/** The two kinds of credential of an app registration, in the order the plugin checks them. */
export const CREDENTIAL_KINDS = ['password', 'key'] as const;
/** A secret (`password`) or a certificate (`key`). */
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Seconds in each `--unit`, and the word performance data names it by. */
export const EXPIRY_UNITS = Object.freeze({
  s: { seconds: 1, word: 'seconds' },
  m: { seconds: 60, word: 'minutes' },
  h: { seconds: 3600, word: 'hours' },
  d: { seconds: 86400, word: 'days' },
  w: { seconds: 604800, word: 'weeks' },
});
export type ExpiryUnit = keyof typeof EXPIRY_UNITS;

/** What `--mode=app-credentials` checks and how: per kind, its status expressions and its expiry ranges in `unit`. */
export interface AppCredentialOptions {
  readonly filterAppName: FilterRegex | undefined;
  readonly unit: ExpiryUnit;
  readonly status: Readonly<Record<CredentialKind, StatusRuleTexts>>;
  readonly expires: Readonly<Record<CredentialKind, Readonly<Record<StatusLevel, NagiosRange | undefined>>>>;
}

/** A validated `check` / `list-services` command line. */
export interface CheckOptions {
  readonly mode: CheckMode;
  readonly customMode: CustomMode;
  readonly tenantId: string;
  readonly clientId: string;
  /** The client secret, certificate or federated token file. */
  readonly credential: ClientCredential;
  /** What a token cached between runs is tied to (see {@link resolveCheckCredential}). */
  readonly credentialKey: Secret;
  readonly cloud: CloudName;
  readonly endpoints: Endpoints;
  /** `--proxyurl`; without it, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`. */
  readonly proxy: Secret | undefined;
  /** Bound on the whole run, retries included, ms. */
  readonly timeoutMs: number;
  readonly filters: EntryFilters;
  readonly rules: StatusRuleTexts;
  readonly verbose: boolean;
  readonly debug: boolean;
  /** `list-services --json`. */
  readonly json: boolean;
  /** Append counts of entries per state after ` | `. */
  readonly perfdata: boolean;
  /** `--statefile-dir` as given; undefined picks the default. */
  readonly statefileDir: string | undefined;
  /** `list-services --filter-name`. */
  readonly listFilter: FilterRegex | undefined;
  /** What to tell on stderr before the run: the run goes on as the plugin's would. */
  readonly warnings: readonly string[];
  /** The options of `--mode=app-credentials`; undefined in the other modes. */
  readonly appCredentials: AppCredentialOptions | undefined;
}

/** The result of parsing: options to run with, or a request for help. */
export type ParsedCheckCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: CheckOptions };

/** The Centreon plugin this command stands in for. */
const CENTREON_PLUGIN = 'cloud::microsoft::office365::management::plugin';

/** Default `--critical-status` of each custom mode. */
export const DEFAULT_CRITICAL: Readonly<Record<CustomMode, string>> = Object.freeze({
  graphapi: '%{status} !~ /serviceOperational|serviceRestored/i',
  managementapi: '%{status} !~ /Normal|Service Restored/i',
});

/** Default `--critical-<kind>-status` of `--mode=app-credentials`. */
const DEFAULT_CREDENTIAL_CRITICAL = '%{status} =~ /expired/i';

const DEFAULT_TIMEOUT_SECONDS = 10;
/** Longest `--timeout`: an hour is far beyond any scheduler's check timeout, and far within what a timer holds. */
const MAX_TIMEOUT_SECONDS = 3600;

const STRING = { kind: 'string' } as const;
const FLAG = { kind: 'flag' } as const;
/** Why the plugin's switches of TLS checking are refused: they would turn off what protects the client secret. */
const TLS_ALWAYS_VERIFIED =
  'TLS is always verified here (a private CA is added with NODE_EXTRA_CA_CERTS, a proxy with --proxyurl)';

/** Options of the service modes, which `app-credentials` does not declare. */
const SERVICE_OPTION_SPECS: OptionSpecs = {
  'include-service-name': STRING,
  'filter-service-name': { kind: 'string', aliasOf: 'include-service-name' },
  'exclude-service-name': STRING,
  'include-classification': STRING,
  'exclude-classification': STRING,
  'exclude-resolved': STRING,
  'filter-feature-name': STRING,
  'filter-name': STRING,
  'warning-status': STRING,
  'critical-status': STRING,
  'unknown-status': STRING,
  json: FLAG,
  perfdata: FLAG,
};

/**
 * Options of `app-credentials` only. The expiry thresholds also answer to the plugin's long names
 * (`--warning-subinstance-application-key-expires`, what its counters call them with new perfdata).
 */
const APP_CREDENTIAL_OPTION_SPECS: OptionSpecs = Object.fromEntries<OptionSpec>([
  ['filter-app-name', STRING],
  ['unit', STRING],
  ...CREDENTIAL_KINDS.flatMap((kind) =>
    (['warning', 'critical', 'unknown'] as const).flatMap((level): [string, OptionSpec][] => [
      [`${level}-${kind}-status`, STRING],
      [`${level}-${kind}-expires`, STRING],
      [`${level}-subinstance-application-${kind}-expires`, { kind: 'string', aliasOf: `${level}-${kind}-expires` }],
    ]),
  ),
]);

/** Every option `check` and `list-services` accept. */
export const CHECK_OPTION_SPECS: OptionSpecs = Object.freeze({
  tenant: STRING,
  'client-id': STRING,
  'client-secret': STRING,
  certificate: STRING,
  'certificate-password': STRING,
  'federated-token-file': STRING,
  cloud: STRING,
  proxyurl: STRING,
  'login-endpoint': STRING,
  'graph-endpoint': STRING,
  timeout: STRING,
  'statefile-dir': STRING,
  plugin: STRING,
  mode: STRING,
  custommode: STRING,
  'http-backend': STRING,
  'use-new-perfdata': FLAG,
  insecure: { kind: 'flag', refused: TLS_ALWAYS_VERIFIED },
  'ssl-opt': { kind: 'string', refused: TLS_ALWAYS_VERIFIED },
  'curl-opt': { kind: 'string', refused: TLS_ALWAYS_VERIFIED },
  verbose: FLAG,
  debug: FLAG,
  help: FLAG,
  ...SERVICE_OPTION_SPECS,
  ...APP_CREDENTIAL_OPTION_SPECS,
});

/**
 * Parses and validates a command line; throws `CONFIG_INVALID` with the message to print after `UNKNOWN: `. Options
 * left out fall back to the Azure SDK variables of `env` (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, the credential ones,
 * `AZURE_AUTHORITY_HOST`). A certificate is read and checked at `now`. An option of another mode (`--unit` to
 * `service-status`) is `Unknown option`, as in the plugin, where each mode declares its own.
 */
export function parseCheckCommand(
  argv: readonly string[],
  defaultMode: CheckMode,
  env: Readonly<Record<string, string | undefined>> = {},
  now: number = Date.now(),
): ParsedCheckCommand {
  const parsed = parseArgv(argv, CHECK_OPTION_SPECS);
  if (parsed.flags.has('help')) return { kind: 'help' };
  const value = (name: string): string | undefined => parsed.values.get(name);
  const plugin = value('plugin');
  if (plugin !== undefined && plugin !== CENTREON_PLUGIN) {
    throw new M365Error(
      'CONFIG_INVALID',
      `Unsupported --plugin=${plugin}: this command implements ${CENTREON_PLUGIN} only`,
    );
  }
  const mode = parseChoice('mode', value('mode') ?? defaultMode, CHECK_MODES);
  const customMode = parseChoice('custommode', value('custommode') ?? 'graphapi', CUSTOM_MODES);
  const appCredentials = mode === 'app-credentials';
  const otherMode = Object.keys(appCredentials ? SERVICE_OPTION_SPECS : APP_CREDENTIAL_OPTION_SPECS);
  const given = otherMode.find((name) => parsed.values.has(name) || parsed.flags.has(name));
  if (given !== undefined) throw new M365Error('CONFIG_INVALID', `Unknown option: --${given}`);
  if (appCredentials && customMode !== 'graphapi') {
    throw new M365Error('CONFIG_INVALID', '--mode=app-credentials reads Graph: it needs --custommode=graphapi');
  }
  const tenantId = required(value, 'tenant', env[AZURE.tenantId]);
  const tenantSource = value('tenant') ? '--tenant' : AZURE.tenantId;
  checkTenantInUrl(tenantId, tenantSource);
  const clientId = required(value, 'client-id', env[AZURE.clientId]);
  const { credential, cacheKey } = resolveCheckCredential(value, env, now);
  const options: CheckOptions = {
    mode,
    customMode,
    tenantId,
    clientId,
    credential,
    credentialKey: cacheKey,
    ...resolveCheckEndpoints(value, env),
    proxy: parseProxyUrl(value('proxyurl')),
    timeoutMs: parseTimeout(value('timeout')),
    filters: parseFilters(value),
    rules: {
      critical: value('critical-status') ?? DEFAULT_CRITICAL[customMode],
      warning: value('warning-status') ?? '',
      unknown: value('unknown-status') ?? '',
    },
    verbose: parsed.flags.has('verbose'),
    debug: parsed.flags.has('debug'),
    json: parsed.flags.has('json'),
    perfdata: parsed.flags.has('perfdata'),
    statefileDir: value('statefile-dir') || undefined,
    listFilter: compileFilterRegex('filter-name', value('filter-name')),
    warnings: isEntraTenantName(tenantId)
      ? []
      : [
          `${tenantSource} '${tenantId}' is neither a GUID nor a domain name: the login endpoint decides whether it knows it`,
        ],
    appCredentials: appCredentials ? parseAppCredentialOptions(value) : undefined,
  };
  return { kind: 'run', options: Object.freeze(options) };
}

function parseFilters(value: (name: string) => string | undefined): EntryFilters {
  const regex = (name: string): FilterRegex | undefined => compileFilterRegex(name, value(name));
  const excludeResolved = value('exclude-resolved') ?? '1';
  return Object.freeze({
    includeServiceName: regex('include-service-name'),
    excludeServiceName: regex('exclude-service-name'),
    includeClassification: regex('include-classification'),
    excludeClassification: regex('exclude-classification'),
    // Perl truthiness, as Centreon reads the option: '' and '0' are false.
    excludeResolved: excludeResolved !== '' && excludeResolved !== '0',
    featureName: regex('filter-feature-name'),
  });
}

/** Reads the mode's options; a bad regular expression or threshold is a `CONFIG_INVALID` error naming the option. */
function parseAppCredentialOptions(value: (name: string) => string | undefined): AppCredentialOptions {
  const unit = value('unit') ?? 's';
  const status = (kind: CredentialKind): StatusRuleTexts => ({
    critical: value(`critical-${kind}-status`) ?? DEFAULT_CREDENTIAL_CRITICAL,
    warning: value(`warning-${kind}-status`) ?? '',
    unknown: value(`unknown-${kind}-status`) ?? '',
  });
  const expires = (kind: CredentialKind) => {
    const range = (level: StatusLevel) =>
      parseNagiosRange(`${level}-${kind}-expires`, value(`${level}-${kind}-expires`));
    return { warning: range('warning'), critical: range('critical'), unknown: range('unknown') };
  };
  return Object.freeze({
    filterAppName: compileFilterRegex('filter-app-name', value('filter-app-name')),
    // As the plugin: an empty or unknown unit is seconds.
    unit: Object.hasOwn(EXPIRY_UNITS, unit) ? (unit as ExpiryUnit) : 's',
    status: { password: status('password'), key: status('key') },
    expires: { password: expires('password'), key: expires('key') },
  });
}

/** The option's value, else the Azure SDK variable standing in for it. */
function required(value: (name: string) => string | undefined, name: string, fallback: string | undefined): string {
  const given = value(name) || fallback?.trim();
  if (given === undefined || given === '') throw new M365Error('CONFIG_INVALID', `Need to specify --${name} option.`);
  return given;
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
    throw new M365Error(
      'CONFIG_INVALID',
      `--timeout must be a positive number of seconds, at most ${MAX_TIMEOUT_SECONDS}, got '${raw}'`,
    );
  }
  return Math.round(seconds * 1000);
}
