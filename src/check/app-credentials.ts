import { M365Error } from '../errors.ts';
import type { AppCredential, Application } from '../graph/fetch-applications.ts';
import { HEALTH_CRITICAL, HEALTH_OK, HEALTH_UNKNOWN, HEALTH_WARNING, type Health } from '../health/model.ts';
import {
  CREDENTIAL_KINDS,
  EXPIRY_UNITS,
  type AppCredentialOptions,
  type CredentialKind,
  type StatusLevel,
} from './check-options.ts';
import { createShortOutput, formatCounterOutput, worstState, type PluginOutput } from './format-plugin-output.ts';
import { breaches, formatNagiosRange, type NagiosRange } from './nagios-threshold.ts';
import { compileStatusRules, evaluateState, type StatusRules } from './check-entries.ts';

/*
 * The plugin's mode `cloud::microsoft::office365::management::mode::appcredentials` on the counter template
 * (`centreon::plugins::templates::counter`, type 3: `run_multiple` over applications, `run_multiple_instances` over
 * each kind of credential), with new perfdata forced.
 */

/** Indent of the credential lines under `checking application '…'` (`indent_long_output`). */
const INDENT = '    ';
/** `message_multiple` of the applications (that of each kind of credential: `All <kind> credentials are ok`). */
const ALL_APPLICATIONS_OK = 'All application credentials are ok';

/** One credential as the mode sees it (`add_credential`). */
interface Credential {
  readonly status: 'expired' | 'valid';
  readonly expiresSeconds: number;
}

/** The compiled status expressions of each kind of credential. */
export type CredentialStatusRules = Readonly<Record<CredentialKind, StatusRules>>;

/** Compiles `--critical-`/`--warning-`/`--unknown-<kind>-status`; a syntax error names the option. */
export function compileCredentialRules(options: AppCredentialOptions): CredentialStatusRules {
  const compile = (kind: CredentialKind) =>
    compileStatusRules(options.status[kind], (level) => `${level}-${kind}-status`);
  return { password: compile('password'), key: compile('key') };
}

/**
 * What the plugin prints for the applications Graph listed, at `nowMs`: the applications whose display name
 * passes `--filter-app-name`, sorted by id, each credential sorted by key id, with its status (`expired` once its
 * `endDateTime`, read as UTC to the second, has passed) and the time left in `--unit`, rounded down, checked
 * against the thresholds. A credential without a readable `endDateTime` is left out, as the plugin does. The long
 * output (`checking application '…'`, then each credential) only with `verbose`; with `debug`, the applications
 * the filter left out first. Pure.
 */
export function checkAppCredentials(
  applications: readonly Application[],
  options: AppCredentialOptions,
  rules: CredentialStatusRules,
  run: { readonly nowMs: number; readonly verbose: boolean; readonly debug: boolean },
): PluginOutput {
  const nowSeconds = Math.floor(run.nowMs / 1000);
  // With --debug, the plugin's long output starts with the applications the filter left out.
  const long: string[] = [];
  const selected = new Map<string, { name: string; credentials: Record<CredentialKind, Map<string, Credential>> }>();
  for (const app of applications) {
    if (options.filterAppName !== undefined && !options.filterAppName.test(app.displayName)) {
      if (run.debug) long.push(`skipping '${app.displayName}': no matching filter name.`);
      continue;
    }
    const read = (list: readonly AppCredential[]) => readCredentials(list, app, nowSeconds);
    selected.set(app.id, {
      name: app.displayName,
      credentials: { password: read(app.passwordCredentials), key: read(app.keyCredentials) },
    });
  }
  const short = createShortOutput();
  const states: Health[] = [];
  const perfdata: string[] = [];
  const severalApps = selected.size > 1;
  if (severalApps) short.add(HEALTH_OK, ALL_APPLICATIONS_OK);
  for (const id of sortedKeys(selected)) {
    const app = selected.get(id)!;
    long.push(`checking application '${app.name}'`);
    const prefixed = short.prefixed(`application '${app.name}' `);
    for (const kind of CREDENTIAL_KINDS) {
      const credentials = app.credentials[kind];
      const several = credentials.size > 1;
      for (const keyId of sortedKeys(credentials)) {
        const credential = credentials.get(keyId)!;
        const variables = { status: credential.status, id: keyId, app_name: app.name };
        const statusState = evaluateState(rules[kind], variables);
        const value = Math.floor(credential.expiresSeconds / EXPIRY_UNITS[options.unit].seconds);
        const expiresState = expiryState(options.expires[kind], value);
        const outputs: [Health, string][] = [
          [statusState, `status: ${credential.status}`],
          [expiresState, `expires in ${changeSeconds(credential.expiresSeconds)}`],
        ];
        const state = worstState([statusState, expiresState]);
        states.push(state);
        const prefix = `${kind} credential '${keyId}' `;
        long.push(`${INDENT}${prefix}${outputs.map(([, text]) => text).join(', ')}`);
        if (state !== HEALTH_OK) {
          const problems = outputs.filter(([s]) => s !== HEALTH_OK).map(([, text]) => text);
          prefixed(state, prefix + problems.join(', '));
        }
        if (!several && !severalApps) prefixed(HEALTH_OK, prefix + outputs.map(([, text]) => text).join(', '));
        perfdata.push(formatPerfdata(kind, app.name, keyId, value, options));
      }
      if (several && !severalApps) prefixed(HEALTH_OK, `All ${kind} credentials are ok`);
    }
  }
  return formatCounterOutput(short, worstState(states), perfdata, run.verbose ? long : []);
}

/** `custom_expires_threshold`: critical, then warning, then unknown; the first range breached wins. */
function expiryState(thresholds: Readonly<Record<StatusLevel, NagiosRange | undefined>>, value: number): Health {
  const breached = (level: StatusLevel) => thresholds[level] !== undefined && breaches(thresholds[level], value);
  if (breached('critical')) return HEALTH_CRITICAL;
  if (breached('warning')) return HEALTH_WARNING;
  if (breached('unknown')) return HEALTH_UNKNOWN;
  return HEALTH_OK;
}

/** `custom_expires_perfdata`: `'<app>~<keyId>#application.<kind>.expires.<unit word>'=<value><unit>;w;c;0;`. */
function formatPerfdata(
  kind: CredentialKind,
  appName: string,
  keyId: string,
  value: number,
  options: AppCredentialOptions,
): string {
  const label = `${appName}~${keyId}#application.${kind}.expires.${EXPIRY_UNITS[options.unit].word}`;
  const { warning, critical } = options.expires[kind];
  const ranges = `${formatNagiosRange(warning)};${formatNagiosRange(critical)}`;
  return `'${label.replaceAll("'", "''")}'=${value}${options.unit};${ranges};0;`;
}

/** The credentials of one kind, by key id (a key id twice keeps the last, as the plugin's hash does). */
function readCredentials(
  list: readonly AppCredential[],
  app: Application,
  nowSeconds: number,
): Map<string, Credential> {
  const credentials = new Map<string, Credential>();
  for (const { keyId, endDateTime } of list) {
    const end = parseEndDateTime(endDateTime, app, keyId);
    if (end === undefined) continue;
    const expiresSeconds = Math.max(0, end - nowSeconds);
    credentials.set(keyId, { status: expiresSeconds === 0 ? 'expired' : 'valid', expiresSeconds });
  }
  return credentials;
}

const END_DATE_TIME = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)/;

/**
 * An `endDateTime` in seconds since the epoch, read as the plugin does: its first six numbers as a UTC date and
 * time, fractions and offset ignored; undefined for one it skips. A date that does not exist (month 13) is a
 * `GRAPH_BAD_RESPONSE` error, where the plugin's `DateTime->new` dies.
 */
function parseEndDateTime(text: string | undefined, app: Application, keyId: string): number | undefined {
  const match = text === undefined ? null : END_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const fields = match.slice(1).map(Number);
  const [year, month, day, hour, minute, second] = fields;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  const read = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  read.push(date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  if (read.some((field, index) => field !== fields[index])) {
    throw new M365Error(
      'GRAPH_BAD_RESPONSE',
      `credential '${keyId}' of application '${app.displayName}' ends at ${JSON.stringify(text)}, which is not a date`,
    );
  }
  return Math.floor(date.getTime() / 1000);
}

/** Keys in Perl's `sort keys` order (string comparison). */
function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const PERIODS: readonly [string, number][] = [
  ['y', 31556926],
  ['M', 2629743],
  ['w', 604800],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** `centreon::plugins::misc::change_seconds`: `1w 3d 2h`, each period at most once, `0` for none. */
export function changeSeconds(seconds: number): string {
  let rest = seconds;
  const parts: string[] = [];
  for (const [unit, length] of PERIODS) {
    const count = Math.floor(rest / length);
    if (count === 0) continue;
    parts.push(`${count}${unit}`);
    rest %= length;
  }
  return parts.length === 0 ? String(rest) : parts.join(' ');
}
