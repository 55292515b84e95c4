import { resolve } from 'node:path';
import type { CompileCache } from './compile-cache.ts';
import {
  isPlainObject,
  listProblems,
  MAX_PROBLEMS,
  reportProblem,
  type ProblemRouter,
  type ProblemSink,
} from './problems.ts';
import type { ExpandSources } from './expand.ts';
import { findTenantFiles, type ListFiles, findPatternExcess } from './tenant-files.ts';
import { nameFile, patternDirectory, singleFileSources, type ConfigSources } from './config-sources.ts';
import { readTenantsFile, type TenantsFile } from './read-tenants-file.ts';
import type { ConfigProblem } from './types.ts';
import type { PathSegment } from './yaml-source.ts';

/** The config file's content with the tenants of its `tenants_from` files appended to its `tenants`. */
export interface MergedTenants {
  value: unknown;
  /** One per file read, in order: their problems, and those of their tenants once checked. */
  files: readonly TenantsFile[];
  sources: ConfigSources;
}

/**
 * What reading `tenants_from` needs: the expansion sources (whose `baseDir` is the config file's), a lister, and the
 * cache the files' schema validator comes from.
 */
export interface TenantsFromSources extends ExpandSources {
  configFile: string;
  listFiles: ListFiles;
  cache: CompileCache;
}

/**
 * Reads the files matched by `tenants_from` and appends their tenants, in file order, after the config file's own
 * `tenants` (which may then be left out). Installs a router on `sink` so that problems found later in the merged
 * list (schema, identifiers, duplicate names) are reported in the file and at the path where the tenant is written.
 * Also reports a config without any tenant. `value` is the expanded content of the config file.
 */
export function mergeTenantsFrom(value: unknown, sources: TenantsFromSources, sink: ProblemSink): MergedTenants {
  const single = singleFileSources(sources.configFile);
  if (!isPlainObject(value)) return { value, files: [], sources: single };
  const patterns = value['tenants_from'];
  const search = { baseDir: sources.baseDir, configFile: sources.configFile, listFiles: sources.listFiles };
  const found = findTenantFiles(patterns, search, sink);
  const files = (found ?? []).map((file) => readTenantsFile(file, sources, sources.cache));
  if (found !== undefined) requireTenants(value, files.length, sink);
  const own = value['tenants'];
  const merged = files.flatMap((file) => file.entries);
  const result = { files, sources: describeSources(patterns, files, sources, single) };
  if (merged.length === 0 || (own !== undefined && !Array.isArray(own))) return { value, ...result };
  const ownCount = Array.isArray(own) ? own.length : 0;
  sink.router = createRouter(ownCount, files, sources.baseDir);
  const ownEntries: readonly unknown[] = Array.isArray(own) ? own : [];
  return { value: { ...value, tenants: [...ownEntries, ...merged] }, ...result };
}

function requireTenants(root: Readonly<Record<string, unknown>>, fileCount: number, sink: ProblemSink): void {
  const own = root['tenants'];
  const from = root['tenants_from'];
  const hasFrom = from !== undefined && from !== null;
  if (own === undefined && !hasFrom) reportProblem(sink, [], 'missing required key "tenants"');
  else if (Array.isArray(own) && own.length === 0 && !hasFrom)
    reportProblem(sink, ['tenants'], 'at least one tenant is required');
  else if (Array.isArray(from) && fileCount === 0 && (own === undefined || (Array.isArray(own) && own.length === 0))) {
    reportProblem(sink, ['tenants_from'], 'no tenant: "tenants" is empty and no file matches these patterns');
  }
}

/** Sends `tenants[i]…` to the file that holds merged tenant `i`, as `tenants[j]…` of that file. */
function createRouter(ownCount: number, files: readonly TenantsFile[], baseDir: string): ProblemRouter {
  const ranges: { start: number; file: TenantsFile }[] = [];
  let start = ownCount;
  for (const file of files) {
    if (file.entries.length === 0) continue;
    ranges.push({ start, file });
    start += file.entries.length;
  }
  return {
    route(segments: readonly PathSegment[]) {
      const index = segments[1];
      if (segments[0] !== 'tenants' || typeof index !== 'number' || index < ownCount) return undefined;
      const range = ranges.findLast((candidate) => candidate.start <= index);
      if (range === undefined) return undefined;
      return { sink: range.file.sink, segments: ['tenants', index - range.start, ...segments.slice(2)] };
    },
    nameOf: (file) => nameFile(file, baseDir),
  };
}

function describeSources(
  patterns: unknown,
  files: readonly TenantsFile[],
  sources: TenantsFromSources,
  single: ConfigSources,
): ConfigSources {
  const directories = [...single.directories];
  for (const pattern of Array.isArray(patterns) ? patterns : []) {
    // A refused pattern is not watched either: matching changed paths against it would cost what matching files did.
    if (typeof pattern !== 'string' || pattern === '' || findPatternExcess(pattern) !== undefined) continue;
    directories.push(patternDirectory(pattern, sources.baseDir));
  }
  return { files: [...single.files, ...files.map((file) => resolve(file.sink.file))], directories };
}

/**
 * The problems of the config file, then those of each `tenants_from` file in order, each list in file order. At
 * most {@link MAX_PROBLEMS} from the tenants files, then a count of those left out.
 */
export function collectProblems(sink: ProblemSink, files: readonly TenantsFile[]): ConfigProblem[] {
  const fromFiles = files.flatMap((file) => (file.sink.problems.length === 0 ? [] : listProblems(file.sink)));
  if (fromFiles.length <= MAX_PROBLEMS) return [...listProblems(sink), ...fromFiles];
  const more = fromFiles.length - MAX_PROBLEMS;
  const message = `${more} more problems in tenants files not shown; fix the ones above first`;
  const summary = { path: '', line: undefined, column: undefined, message, file: sink.file };
  return [...listProblems(sink), ...fromFiles.slice(0, MAX_PROBLEMS), summary];
}
