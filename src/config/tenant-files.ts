import { globSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ProblemSink, quoteValue, reportProblem, reportWarning } from './problems.ts';

/** Lists the files (not directories) matching a glob pattern, relative patterns starting from `baseDir`. */
export type ListFiles = (pattern: string, baseDir: string) => string[];

/** Most patterns in `tenants_from`. */
export const MAX_TENANT_PATTERNS = 100;
/** Most files all `tenants_from` patterns may match together: one per customer is many, but not unbounded. */
export const MAX_TENANT_FILES = 10_000;

/** Most directory entries all the patterns of one load may look at: `/**\/*.yaml` must not walk the whole disk. */
export const MAX_VISITED_ENTRIES = 100_000;

/**
 * A lister with `fs.globSync`: absolute paths, directories left out. As in a shell, `*` does not match names
 * starting with a dot, so the `..data` directories of a mounted Kubernetes ConfigMap are not read twice. Its calls
 * share one budget of {@link MAX_VISITED_ENTRIES}: past it, the walk prunes every entry, so it ends soon, and the
 * pattern that ran out fails with `code` `EWALKLIMIT`. (A synchronous walk cannot be interrupted by a signal; the
 * bound is what keeps it short.)
 */
export function createFileLister(maxEntries = MAX_VISITED_ENTRIES): ListFiles {
  let visited = 0;
  return (pattern, baseDir) => {
    const exclude = (): boolean => ++visited > maxEntries;
    const found = globSync(pattern, { cwd: baseDir, withFileTypes: true, exclude });
    if (visited > maxEntries) {
      const message =
        `the patterns look at more than ${maxEntries} directory entries (the limit); start each pattern at the ` +
        'directory that holds the tenants files';
      throw Object.assign(new Error(message), { code: 'EWALKLIMIT' });
    }
    return found
      .filter((entry) => !entry.isDirectory())
      .map((entry) => resolve(baseDir, join(entry.parentPath, entry.name)));
  };
}

/** Where `tenants_from` patterns are matched, and the file they must never match: the config file itself. */
export interface TenantFileSearch {
  baseDir: string;
  configFile: string;
  listFiles: ListFiles;
}

/**
 * The files matched by the `tenants_from` patterns, each once, sorted by path (code point order, whatever the
 * locale), leaving out the config file itself. A pattern that matches nothing is a warning: a new customer
 * directory starts empty, and a customer's last file may be removed. Too many patterns or files, or a pattern that
 * cannot be matched, are problems, and then no file is read (`undefined`). `patterns` is the raw value; a malformed one was reported by the schema check.
 */
export function findTenantFiles(patterns: unknown, search: TenantFileSearch, sink: ProblemSink): string[] | undefined {
  if (!Array.isArray(patterns)) return [];
  if (patterns.length > MAX_TENANT_PATTERNS) {
    reportProblem(
      sink,
      ['tenants_from'],
      `has ${patterns.length} patterns, more than the limit of ${MAX_TENANT_PATTERNS}`,
    );
    return undefined;
  }
  const configFile = resolve(search.configFile);
  const found = new Set<string>();
  let refused = false;
  patterns.forEach((pattern: unknown, index) => {
    if (typeof pattern !== 'string' || pattern === '' || found.size > MAX_TENANT_FILES) return;
    const matches = matchPattern(pattern, index, search, sink)?.filter((file) => file !== configFile);
    if (matches === undefined) return void (refused = true);
    if (matches.length === 0) reportWarning(sink, ['tenants_from', index], `${quoteValue(pattern)} matches no file`);
    for (const file of matches) found.add(file);
  });
  if (found.size > MAX_TENANT_FILES) {
    const message = `the patterns match more than ${MAX_TENANT_FILES} files (the limit); split the tenants among fewer files`;
    reportProblem(sink, ['tenants_from'], message);
    return undefined;
  }
  if (refused) return undefined;
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The files `pattern` matches, or `undefined` after reporting why it cannot be matched. */
function matchPattern(
  pattern: string,
  index: number,
  search: TenantFileSearch,
  sink: ProblemSink,
): string[] | undefined {
  const excess = findPatternExcess(pattern);
  if (excess !== undefined) {
    reportProblem(sink, ['tenants_from', index], `${quoteValue(pattern)} ${excess}`);
    return undefined;
  }
  try {
    return search.listFiles(pattern, search.baseDir);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason =
      code === 'EWALKLIMIT' ? (error as Error).message : typeof code === 'string' ? code : 'not a valid pattern';
    reportProblem(sink, ['tenants_from', index], `${quoteValue(pattern)} cannot be matched: ${reason}`);
    return undefined;
  }
}

/** Longest `tenants_from` pattern: a path longer than the system's PATH_MAX names nothing. */
export const MAX_PATTERN_LENGTH = 4096;
/** Most patterns one `tenants_from` pattern may stand for once its brace groups are expanded. */
export const MAX_PATTERN_ALTERNATIVES = 100;
/** Most `*` wildcards between two slashes: matching a name costs its length to the power of their number. */
export const MAX_SEGMENT_STARS = 3;

/** `?(…)`, `*(…)`, `+(…)`, `@(…)`, `!(…)`: a quantified group can backtrack exponentially on one file name. */
const EXTGLOB = /(?<!\\)[?*+@!]\(/;

/**
 * Why matching `pattern` could run for minutes, judged from its text alone and before any expansion or directory
 * walk, or `undefined` when its cost is bounded. Brace groups multiply (`{a,b}{c,d}` is 4 patterns), ranges count
 * their members (`{1..50}` is 50).
 */
export function findPatternExcess(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `is ${pattern.length} characters long, more than the limit of ${MAX_PATTERN_LENGTH}`;
  }
  const extglob = EXTGLOB.exec(pattern);
  if (extglob !== null) {
    return `uses the extended glob "${extglob[0]}…)", which is not supported; write {a,b} or several patterns instead`;
  }
  const alternatives = countAlternatives(pattern);
  if (alternatives > MAX_PATTERN_ALTERNATIVES) {
    return (
      `expands to more than ${MAX_PATTERN_ALTERNATIVES} patterns (the limit; brace groups multiply: {a,b}{c,d} is 4); ` +
      'use fewer brace groups, or list the patterns'
    );
  }
  const stars = Math.max(...pattern.split('/').map(countStars));
  if (stars > MAX_SEGMENT_STARS) {
    return `has ${stars} "*" wildcards between two slashes, more than the limit of ${MAX_SEGMENT_STARS}`;
  }
  return undefined;
}

/** `*` wildcards in one path segment (a `**` segment, which stands for directories, is not one). */
function countStars(segment: string): number {
  if (segment === '**') return 0;
  let stars = 0;
  for (let i = 0; i < segment.length; i++) {
    if (segment[i] === '\\') i++;
    else if (segment[i] === '*') stars++;
  }
  return stars;
}

/** A count that stops growing past the limit, so that a hostile product stays a small number. */
const CAP = MAX_PATTERN_ALTERNATIVES + 1;

/**
 * How many patterns brace expansion makes of `pattern`, capped just past the limit, with the rules of the
 * `brace-expansion` module that globbing uses: `{a,b}` is a group, `{x..y}` and `{x..y..step}` a range of numbers or
 * letters, and anything else between braces (`{a}`, an unclosed `{`) is literal text. One pass, no recursion.
 */
export function countAlternatives(pattern: string): number {
  // Per open group: the product before it, the sum of its finished alternatives and their product (what they make
  // if the group is never closed and its commas are text), and where it starts.
  const stack: { product: number; sum: number; literal: number; commas: number; start: number }[] = [];
  let product = 1;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (char === '{') {
      stack.push({ product, sum: 0, literal: 1, commas: 0, start: i });
      product = 1;
    } else if (char === ',' && stack.length > 0) {
      const group = stack.at(-1)!;
      group.sum = Math.min(CAP, group.sum + product);
      group.literal = Math.min(CAP, group.literal * product);
      group.commas++;
      product = 1;
    } else if (char === '}' && stack.length > 0) {
      const group = stack.pop()!;
      const members = group.commas > 0 ? group.sum + product : countRange(pattern.slice(group.start + 1, i)) * product;
      product = Math.min(CAP, group.product * Math.min(CAP, members));
    }
  }
  // Unclosed groups are literal text: their alternatives multiply what came before them as one pattern.
  for (const group of stack.reverse()) product = Math.min(CAP, group.product * group.literal * product);
  return product;
}

const NUMBER_RANGE = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/;
const LETTER_RANGE = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/;

/** Members of a `{x..y}` or `{x..y..step}` range; 1 for any other text between braces (kept as is). */
function countRange(inner: string): number {
  const numbers = NUMBER_RANGE.exec(inner);
  const letters = numbers === null ? LETTER_RANGE.exec(inner) : null;
  const match = numbers ?? letters;
  if (match === null) return 1;
  const [from, to] =
    numbers !== null ? [Number(match[1]), Number(match[2])] : [match[1].charCodeAt(0), match[2].charCodeAt(0)];
  const step = Math.abs(Number(match[3] ?? 1)) || 1;
  const members = Math.floor(Math.abs(to - from) / step) + 1;
  return Number.isFinite(members) ? Math.min(CAP, members) : CAP;
}
