import { M365Error } from '../errors.ts';

/**
 * A Nagios range as Centreon reads a numeric threshold (`centreon::plugins::misc::parse_threshold`): `10` is
 * `0:10`, `10:` has no end, `~:10` no start, `@` alerts inside the range instead of outside. Start and end keep
 * the text written (`,` read as `.`), as the plugin prints them back in performance data.
 */
export interface NagiosRange {
  readonly inside: boolean;
  /** Undefined: `~`, no lower bound. */
  readonly start: string | undefined;
  /** Undefined: no upper bound. */
  readonly end: string | undefined;
}

const NUMBER = String.raw`[+-]?\d+(?:[.,]\d+)?`;
// The plugin's own pattern, without its K/M/G…B byte suffixes, which mean nothing for a duration.
const RANGE = new RegExp(`^(@?)(~:|(?:${NUMBER})?:)?(${NUMBER})?$`);

/**
 * Parses threshold option `option` (`warning-key-expires`); empty or absent is no threshold. A value the plugin
 * refuses is a `CONFIG_INVALID` error with its wording: `Wrong <option> threshold '<value>'.`
 */
export function parseNagiosRange(option: string, text: string | undefined): NagiosRange | undefined {
  if (text === undefined || text === '') return undefined;
  const match = RANGE.exec(text.trim());
  if (match === null) throw new M365Error('CONFIG_INVALID', `Wrong ${option} threshold '${text}'.`);
  const [, at, startPart, endPart] = match;
  const start = startPart === undefined ? '0' : startPart.replace(/[+:]/g, '').replace(',', '.');
  const end = endPart?.replace('+', '').replace(',', '.');
  return { inside: at === '@', start: start === '~' ? undefined : start === '' ? '0' : start, end };
}

/** Whether `value` raises the alert of `range` (outside it, or inside it with `@`). */
export function breaches(range: NagiosRange, value: number): boolean {
  const low = range.start === undefined ? -Infinity : Number(range.start);
  const high = range.end === undefined ? Infinity : Number(range.end);
  const within = value >= low && value <= high;
  return range.inside ? within : !within;
}

/** The range as performance data shows it (`get_threshold_litteral`): `@0:2592000`, `~:10`, `5:`; empty for none. */
export function formatNagiosRange(range: NagiosRange | undefined): string {
  if (range === undefined) return '';
  return `${range.inside ? '@' : ''}${range.start ?? '~'}:${range.end ?? ''}`;
}
