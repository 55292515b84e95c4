import { M365Error } from '../errors.ts';
import { compilePerlRegex, type CompiledRegex } from '../health/expression/regex-compile.ts';

/** An option either takes a string value (Getopt's `:s`) or is a flag. */
export interface OptionSpec {
  readonly kind: 'string' | 'flag';
  /** The option this one is another name for (`filter-service-name` → `include-service-name`). */
  readonly aliasOf?: string;
  /** Why an option of the plugin is refused here (it would weaken what the user relies on), said when it is given. */
  readonly refused?: string;
}

/** Option specs keyed by long name, without the leading dashes. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed command line: string values and flags, keyed by canonical option name. The last occurrence wins. */
export interface ParsedArgv {
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/**
 * Parses long options the way Centreon's own Getopt does (`centreon::plugins::alternative::Getopt`): `--name=value`
 * and `--name value`, where an empty `--name=` or a bare `--name` takes the next argument unless it starts with `--`
 * (then the value is empty). A flag takes a value the same way: `0` leaves it as it was, anything else sets it, and a
 * flag once set stays set. The last value of a repeated option wins. `-h` is `--help`. Anything else is a
 * `CONFIG_INVALID` error whose message is Centreon's where it has one (`Unknown option: --x`); arguments after `--`,
 * which the plugin sets aside unread, are refused rather than ignored.
 */
export function parseArgv(argv: readonly string[], specs: OptionSpecs): ParsedArgv {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '-h') {
      flags.add('help');
      continue;
    }
    if (argument === '--') {
      const rest = argv.slice(index + 1).join(' ');
      throw new M365Error(
        'CONFIG_INVALID',
        `Unexpected arguments after --: ${rest || '(none)'} (the plugin ignores them)`,
      );
    }
    if (!argument.startsWith('--')) {
      throw new M365Error('CONFIG_INVALID', `Unexpected argument: ${argument} (options are written --name=value)`);
    }
    const equals = argument.indexOf('=');
    const name = argument.slice(2, equals === -1 ? undefined : equals);
    const spec = specs[name];
    if (spec === undefined) throw new M365Error('CONFIG_INVALID', `Unknown option: --${name}`);
    if (spec.refused !== undefined) throw new M365Error('CONFIG_INVALID', `--${name} is refused: ${spec.refused}`);
    let value = equals === -1 ? '' : argument.slice(equals + 1);
    const next = argv[index + 1];
    if (value === '' && next !== undefined && !next.startsWith('--')) {
      value = next;
      index++;
    }
    const canonical = spec.aliasOf ?? name;
    if (spec.kind === 'string') values.set(canonical, value);
    else if (value !== '0') flags.add(canonical);
  }
  return { values, flags };
}

/** The value of an option that takes one of a few words; another is `Unknown --option=value (supported: …)`. */
export function parseChoice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) {
    throw new M365Error('CONFIG_INVALID', `Unknown --${option}=${value} (supported: ${choices.join(', ')})`);
  }
  return choice;
}

/** A value given and not blank, trimmed; undefined otherwise. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A compiled filter option: its value as given, and whether a value matches somewhere, in linear time. */
export type FilterRegex = Pick<CompiledRegex, 'source' | 'test'>;

/**
 * Compiles a filter option (a Perl regular expression in Centreon, interpolated into `/…/` without flags) with the
 * same linear-time engine as threshold expressions. An empty pattern means "no filter" and gives undefined; `(?i)`
 * turns case-insensitivity on, as in Perl. A malformed pattern, or a Perl construct that needs backtracking, is a
 * `CONFIG_INVALID` error naming the option and the 1-based position in its value, reported before any request.
 */
export function compileFilterRegex(option: string, pattern: string | undefined): FilterRegex | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  const compiled = compilePerlRegex(
    pattern,
    '',
    {
      invalid: (index, detail) =>
        new M365Error('CONFIG_INVALID', `--${option}: invalid regular expression at position ${index + 1}: ${detail}`),
      unsupported: (index, construct) =>
        new M365Error(
          'CONFIG_INVALID',
          `--${option}: ${construct} at position ${index + 1} is not supported (linear-time matching)`,
        ),
    },
    false,
  );
  return Object.freeze({ source: pattern, test: (value: string) => compiled.test(value) });
}
