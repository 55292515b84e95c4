import { M365Error } from '../errors.ts';
import { compilePerlRegex } from '../health/expression/regex-compile.ts';

/** A compiled filter option: whether a value matches somewhere, in time linear in the value's length. */
export interface FilterRegex {
  /** The option's value as given. */
  readonly source: string;
  test(value: string): boolean;
}

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

/** Whether a value passes an include/exclude pair of filters (absent filters let everything through). */
export function passesFilters(
  value: string,
  include: FilterRegex | undefined,
  exclude: FilterRegex | undefined,
): boolean {
  if (include !== undefined && !include.test(value)) return false;
  return exclude === undefined || !exclude.test(value);
}
