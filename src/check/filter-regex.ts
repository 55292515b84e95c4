import { M365Error } from '../errors.ts';

/**
 * Compiles a filter option (a Perl regular expression in Centreon) to a RegExp. An empty pattern means "no
 * filter" and gives undefined. A leading `(?i)` becomes the `i` flag; matching is otherwise case-sensitive, as in
 * Perl. An invalid pattern is a `CONFIG_INVALID` error naming the option.
 */
export function compileFilterRegex(option: string, pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  const caseless = pattern.startsWith('(?i)');
  const source = caseless ? pattern.slice(4) : pattern;
  try {
    return new RegExp(source, caseless ? 'i' : '');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new M365Error('CONFIG_INVALID', `--${option} is not a valid regular expression: ${reason}`, { cause: error });
  }
}

/** Whether a value passes an include/exclude pair of filters (absent filters let everything through). */
export function passesFilters(value: string, include: RegExp | undefined, exclude: RegExp | undefined): boolean {
  if (include !== undefined && !include.test(value)) return false;
  return exclude === undefined || !exclude.test(value);
}
