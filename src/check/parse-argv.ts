import { M365Error } from '../errors.ts';

/** An option either takes a string value (Getopt's `:s`) or is a flag. */
export interface OptionSpec {
  readonly kind: 'string' | 'flag';
  /** The option this one is another name for (`filter-service-name` → `include-service-name`). */
  readonly aliasOf?: string;
}

/** Option specs keyed by long name, without the leading dashes. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed command line: string values and flags, keyed by canonical option name. The last occurrence wins. */
export interface ParsedArgv {
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/**
 * Parses long options the way Centreon's Getopt::Long configuration does: `--name=value` and `--name value`
 * (a following argument that starts with `--` is not taken as the value, which is then empty, like Getopt's
 * optional `:s`), flags without values. `-h` is `--help`. Anything else is a `CONFIG_INVALID` error whose
 * message is Centreon's (`Unknown option: --x`).
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
    if (!argument.startsWith('--') || argument === '--') {
      throw new M365Error('CONFIG_INVALID', `Unexpected argument: ${argument} (options are written --name=value)`);
    }
    const equals = argument.indexOf('=');
    const name = argument.slice(2, equals === -1 ? undefined : equals);
    const spec = specs[name];
    if (spec === undefined) throw new M365Error('CONFIG_INVALID', `Unknown option: --${name}`);
    const canonical = spec.aliasOf ?? name;
    if (spec.kind === 'flag') {
      if (equals !== -1) throw new M365Error('CONFIG_INVALID', `Option --${name} does not take an argument`);
      flags.add(canonical);
      continue;
    }
    if (equals !== -1) {
      values.set(canonical, argument.slice(equals + 1));
      continue;
    }
    const next = argv[index + 1];
    const takesNext = next !== undefined && !next.startsWith('--');
    values.set(canonical, takesNext ? next : '');
    if (takesNext) index++;
  }
  return { values, flags };
}
