import { globSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quoteValue, reportProblem, reportWarning, type ProblemSink } from './problems.ts';
import { findPatternExcess } from './pattern-complexity.ts';

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
    if (visited > maxEntries) throw Object.assign(new Error(walkLimitMessage(maxEntries)), { code: 'EWALKLIMIT' });
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

function walkLimitMessage(maxEntries: number): string {
  return (
    `the patterns look at more than ${maxEntries} directory entries (the limit); start each pattern at the ` +
    'directory that holds the tenants files'
  );
}
