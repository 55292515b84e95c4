import { M365Error } from '../errors.ts';
import { compileFilterRegex, type FilterRegex } from './filter-regex.ts';
import { parseNagiosRange, type NagiosRange } from './nagios-threshold.ts';
import type { OptionSpec, OptionSpecs, ParsedArgv } from './parse-argv.ts';

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

/** The `--warning-`, `--critical-` and `--unknown-<kind>-expires` ranges, in that unit. */
export interface ExpiryThresholds {
  readonly warning: NagiosRange | undefined;
  readonly critical: NagiosRange | undefined;
  readonly unknown: NagiosRange | undefined;
}

/** The `--critical-`, `--warning-` and `--unknown-<kind>-status` expressions, as written. */
export type StatusRuleTexts = Readonly<Record<'critical' | 'warning' | 'unknown', string>>;

/** What `--mode=app-credentials` checks and how. */
export interface AppCredentialOptions {
  readonly filterAppName: FilterRegex | undefined;
  readonly unit: ExpiryUnit;
  readonly status: Readonly<Record<CredentialKind, StatusRuleTexts>>;
  readonly expires: Readonly<Record<CredentialKind, ExpiryThresholds>>;
}

/** Default `--critical-<kind>-status`. */
export const DEFAULT_CREDENTIAL_CRITICAL = '%{status} =~ /expired/i';

const LEVELS = ['warning', 'critical', 'unknown'] as const;
const STRING = { kind: 'string' } as const;

/**
 * The options of the mode. The expiry thresholds also answer to the plugin's long names
 * (`--warning-subinstance-application-key-expires`, what its counters call them with new perfdata).
 */
export const APP_CREDENTIAL_OPTION_SPECS: OptionSpecs = Object.freeze(
  Object.fromEntries<OptionSpec>([
    ['filter-app-name', STRING],
    ['unit', STRING],
    ...CREDENTIAL_KINDS.flatMap((kind) =>
      LEVELS.flatMap((level): [string, OptionSpec][] => [
        [`${level}-${kind}-status`, STRING],
        [`${level}-${kind}-expires`, STRING],
        [`${level}-subinstance-application-${kind}-expires`, { kind: 'string', aliasOf: `${level}-${kind}-expires` }],
      ]),
    ),
  ]),
);

/** Reads the mode's options; a bad regular expression or threshold is a `CONFIG_INVALID` error naming the option. */
export function parseAppCredentialOptions(parsed: ParsedArgv): AppCredentialOptions {
  const value = (name: string): string | undefined => parsed.values.get(name);
  const unit = value('unit') ?? 's';
  const status = (kind: CredentialKind): StatusRuleTexts => ({
    critical: value(`critical-${kind}-status`) ?? DEFAULT_CREDENTIAL_CRITICAL,
    warning: value(`warning-${kind}-status`) ?? '',
    unknown: value(`unknown-${kind}-status`) ?? '',
  });
  const expires = (kind: CredentialKind): ExpiryThresholds => {
    const range = (level: (typeof LEVELS)[number]) =>
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

/**
 * Refuses an option of one mode given to another (`--unit` to `service-status`), as the plugin does: each mode
 * declares its own options, so another mode's is `Unknown option`.
 */
export function refuseOtherModeOptions(parsed: ParsedArgv, others: readonly string[]): void {
  const given = others.find((name) => parsed.values.has(name) || parsed.flags.has(name));
  if (given !== undefined) throw new M365Error('CONFIG_INVALID', `Unknown option: --${given}`);
}
