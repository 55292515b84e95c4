import { Secret } from '../config/secret.ts';
import type { Endpoints } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import { compileFilterRegex } from './filter-regex.ts';
import { parseArgv, type OptionSpecs, type ParsedArgv } from './parse-argv.ts';

/** What one run does: check the services, or list them. */
export type CheckMode = 'service-status' | 'list-services';

/** Which language the check speaks: today's Graph one, or the retired Management API's (the seed's). */
export type CustomMode = 'graphapi' | 'managementapi';

/** Which issues and services become entries. Absent regular expressions filter nothing. */
export interface EntryFilters {
  readonly includeServiceName: RegExp | undefined;
  readonly excludeServiceName: RegExp | undefined;
  readonly includeClassification: RegExp | undefined;
  readonly excludeClassification: RegExp | undefined;
  /** Resolved issues are left out (Centreon's `--exclude-resolved`, default 1). */
  readonly excludeResolved: boolean;
  /** Legacy features kept (`--filter-feature-name`). */
  readonly featureName: RegExp | undefined;
}

/** The three threshold expressions, as written; an empty text never matches. */
export interface StatusRuleTexts {
  readonly critical: string;
  readonly warning: string;
  readonly unknown: string;
}

/** A validated `check` / `list-services` command line. */
export interface CheckOptions {
  readonly mode: CheckMode;
  readonly customMode: CustomMode;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly endpoints: Endpoints;
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
  readonly listFilter: RegExp | undefined;
}

/** The result of parsing: options to run with, or a request for help. */
export type ParsedCheckCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: CheckOptions };

/** The Centreon plugin this command stands in for. */
export const CENTREON_PLUGIN = 'cloud::microsoft::office365::management::plugin';

/** Default `--critical-status` of each custom mode. */
export const DEFAULT_CRITICAL: Readonly<Record<CustomMode, string>> = Object.freeze({
  graphapi: '%{status} !~ /serviceOperational|serviceRestored/i',
  managementapi: '%{status} !~ /Normal|Service Restored/i',
});

const DEFAULT_LOGIN = 'https://login.microsoftonline.com';
const DEFAULT_GRAPH = 'https://graph.microsoft.com';
const DEFAULT_TIMEOUT_SECONDS = 10;

const STRING = { kind: 'string' } as const;
const FLAG = { kind: 'flag' } as const;

/** Every option `check` and `list-services` accept. */
export const CHECK_OPTION_SPECS: OptionSpecs = Object.freeze({
  tenant: STRING,
  'client-id': STRING,
  'client-secret': STRING,
  'login-endpoint': STRING,
  'graph-endpoint': STRING,
  timeout: STRING,
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
  'statefile-dir': STRING,
  plugin: STRING,
  mode: STRING,
  custommode: STRING,
  'http-backend': STRING,
  verbose: FLAG,
  debug: FLAG,
  json: FLAG,
  perfdata: FLAG,
  help: FLAG,
});

/** Parses and validates a command line; throws `CONFIG_INVALID` with the message to print after `UNKNOWN: `. */
export function parseCheckCommand(argv: readonly string[], defaultMode: CheckMode): ParsedCheckCommand {
  const parsed = parseArgv(argv, CHECK_OPTION_SPECS);
  if (parsed.flags.has('help')) return { kind: 'help' };
  const value = (name: string): string | undefined => parsed.values.get(name);
  checkPlugin(value('plugin'));
  const mode = parseMode(value('mode') ?? defaultMode);
  const customMode = parseCustomMode(value('custommode') ?? 'graphapi');
  const options: CheckOptions = {
    mode,
    customMode,
    tenantId: required(parsed, 'tenant'),
    clientId: required(parsed, 'client-id'),
    clientSecret: new Secret(required(parsed, 'client-secret')),
    endpoints: { login: parseEndpoint('login-endpoint', value('login-endpoint') ?? DEFAULT_LOGIN), graph: parseEndpoint('graph-endpoint', value('graph-endpoint') ?? DEFAULT_GRAPH) },
    timeoutMs: parseTimeout(value('timeout')),
    filters: parseFilters(parsed),
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
  };
  return { kind: 'run', options: Object.freeze(options) };
}

function parseFilters(parsed: ParsedArgv): EntryFilters {
  const regex = (name: string): RegExp | undefined => compileFilterRegex(name, parsed.values.get(name));
  const excludeResolved = parsed.values.get('exclude-resolved') ?? '1';
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

function required(parsed: ParsedArgv, name: string): string {
  const value = parsed.values.get(name);
  if (value === undefined || value === '') throw new M365Error('CONFIG_INVALID', `Need to specify --${name} option.`);
  return value;
}

function checkPlugin(plugin: string | undefined): void {
  if (plugin === undefined || plugin === CENTREON_PLUGIN) return;
  throw new M365Error('CONFIG_INVALID', `Unsupported --plugin=${plugin}: this command implements ${CENTREON_PLUGIN} only`);
}

function parseMode(mode: string): CheckMode {
  if (mode === 'service-status' || mode === 'list-services') return mode;
  throw new M365Error('CONFIG_INVALID', `Unknown --mode=${mode} (supported: service-status, list-services)`);
}

function parseCustomMode(customMode: string): CustomMode {
  if (customMode === 'graphapi' || customMode === 'managementapi') return customMode;
  throw new M365Error('CONFIG_INVALID', `Unknown --custommode=${customMode} (supported: graphapi, managementapi)`);
}

function parseEndpoint(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new M365Error('CONFIG_INVALID', `--${name} must be an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new M365Error('CONFIG_INVALID', `--${name} must be an http(s) URL, got '${raw}'`);
  }
  return raw.replace(/\/+$/, '');
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(seconds > 0)) {
    throw new M365Error('CONFIG_INVALID', `--timeout must be a positive number of seconds, got '${raw}'`);
  }
  return Math.round(seconds * 1000);
}
