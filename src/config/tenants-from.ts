import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeReadError, expandReferences, type ExpandSources, holdsLiteralSecret } from './files.ts';
import {
  createProblemSink,
  isPlainObject,
  listProblems,
  MAX_PROBLEMS,
  type PathSegment,
  type ProblemRouter,
  type ProblemSink,
  reportProblem,
} from './problems.ts';
import { checkStructure, type SchemaValidators, TENANTS_FILE_SCHEMA } from './schema.ts';
import { findPatternExcess, findTenantFiles, type ListFiles } from './tenant-files.ts';
import type { ConfigProblem } from './types.ts';
import { parseYaml } from './yaml.ts';

/** The config file's content with the tenants of its `tenants_from` files appended to its `tenants`. */
export interface MergedTenants {
  value: unknown;
  /** One per file read, in order: their problems, and those of their tenants once checked. */
  files: readonly TenantsFile[];
  sources: ConfigSources;
}

/**
 * What reading `tenants_from` needs: the expansion sources (whose `baseDir` is the config file's), a lister, and
 * where the files' schema validator comes from.
 */
export interface TenantsFromSources extends ExpandSources {
  configFile: string;
  listFiles: ListFiles;
  validators: SchemaValidators;
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
  const found = findTenantFiles(patterns, sources, sink);
  const files = (found ?? []).map((file) => readTenantsFile(file, sources, sources.validators));
  const own = value['tenants'];
  const ownEntries: readonly unknown[] = Array.isArray(own) ? own : [];
  // Without `tenants_from`, the schema requires `tenants`; with it, a tenant may come from either, or from a partner
  // tenant's customers, which are only listed once the agent runs.
  const noOwnTenant = own === undefined || (Array.isArray(own) && own.length === 0);
  const discovers = Array.isArray(patterns) && patterns.some((entry) => isPlainObject(entry));
  if (Array.isArray(patterns) && found?.length === 0 && noOwnTenant && !discovers) {
    reportProblem(sink, ['tenants_from'], 'no tenant: "tenants" is empty and no file matches these patterns');
  }
  const merged = files.flatMap((file) => file.entries);
  const result = { files, sources: describeSources(patterns, files, sources, single) };
  if (merged.length === 0 || (own !== undefined && !Array.isArray(own))) return { value, ...result };
  sink.router = createRouter(ownEntries.length, files, sources.baseDir);
  return { value: { ...value, tenants: [...ownEntries, ...merged] }, ...result };
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

/** One file of `tenants_from`: its problems (and source, to locate later ones), and the tenant entries it holds. */
export interface TenantsFile {
  sink: ProblemSink;
  /** The raw (expanded) entries of its `tenants` list; none when the file is not usable. */
  entries: readonly unknown[];
  /** Whether it writes a credential itself rather than a reference to one: its permissions are then checked. */
  literalSecret?: boolean;
}

const SHAPE_MESSAGE =
  'a tenants file must be a mapping with a "tenants" list, like the config file, not a bare sequence; ' +
  'write "tenants:" above the list';

/**
 * Reads and parses a `tenants_from` file with the bounds and reference expansion of the config file (relative
 * `${file:…}` paths start from the config file's directory, as everywhere). Its one key is `tenants`, a list of at
 * least one tenant; the tenants are checked later, merged with the config file's. Its schema's validator comes from
 * `validators`. Never throws.
 */
function readTenantsFile(file: string, sources: ExpandSources, validators: SchemaValidators): TenantsFile {
  const sink = createProblemSink(file);
  let text: string;
  try {
    text = sources.readFile(file);
  } catch (error) {
    reportProblem(sink, [], `cannot read the tenants file: ${describeReadError(error)}`);
    return { sink, entries: [] };
  }
  const parsed = parseYaml(text, sink);
  if (!parsed.ok) return { sink, entries: [] };
  if (parsed.value === null || parsed.value === undefined) {
    reportProblem(sink, [], 'the file is empty: a tenants file needs a "tenants" list');
    return { sink, entries: [] };
  }
  if (Array.isArray(parsed.value)) {
    reportProblem(sink, [], SHAPE_MESSAGE);
    return { sink, entries: [] };
  }
  const value = expandReferences(parsed.value, sources, sink);
  const before = sink.problems.length;
  checkStructure(value, sink, validators, TENANTS_FILE_SCHEMA);
  // A whole file that is one unexpandable reference was reported by the expansion, which hides the schema's word.
  if (sink.problems.length > before || !isPlainObject(value) || !Array.isArray(value['tenants']))
    return { sink, entries: [] };
  return { sink, entries: value['tenants'], literalSecret: holdsLiteralSecret(parsed.value) };
}

/** A directory whose entries a configuration depends on. */
export interface WatchedDirectory {
  path: string;
  /** Whether files in its subdirectories count too (a pattern such as `tenants.d/**\/*.yaml`). */
  recursive: boolean;
  /**
   * Absolute glob patterns (or plain paths) of the entries that matter there: a change to anything else in the
   * directory (a busy log file, the agent's own output) is no change of the configuration.
   */
  patterns: readonly string[];
}

/**
 * What a configuration was read from, and where files it would read may appear: what a reload watches. Paths are
 * absolute.
 */
export interface ConfigSources {
  /** The config file, then every `tenants_from` file read, in the order read. */
  files: readonly string[];
  /** The config file's directory, then the fixed part of each `tenants_from` pattern. */
  directories: readonly WatchedDirectory[];
}

/** Characters that make a path segment a pattern rather than a name. */
const GLOB_MAGIC = /[*?[\]{}()!]/;

/**
 * The sources of a config file read alone (or whose `tenants_from` could not be read): the file, and in its
 * directory the file's name and the `..data` link that a Kubernetes ConfigMap swaps on each update.
 */
export function singleFileSources(file: string): ConfigSources {
  const path = resolve(file);
  const directory = dirname(path);
  return {
    files: [path],
    directories: [{ path: directory, recursive: false, patterns: [path, join(directory, '..data')] }],
  };
}

/**
 * The directory a glob pattern can match files in, relative patterns starting from `baseDir`: the segments before
 * the first one with a wildcard. Recursive when a wildcard may stand for directories (`*\/x.yaml`, `**`).
 */
function patternDirectory(pattern: string, baseDir: string): WatchedDirectory {
  const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const segments = absolute.split(sep);
  const magic = segments.findIndex((segment) => GLOB_MAGIC.test(segment));
  if (magic === -1) return { path: dirname(absolute), recursive: false, patterns: [absolute] };
  const fixed = segments.slice(0, magic).join(sep) || sep;
  return { path: fixed, recursive: magic < segments.length - 1 || pattern.includes('**'), patterns: [absolute] };
}

/** Names `file` in messages: relative to `baseDir` when inside it, else absolute. */
function nameFile(file: string, baseDir: string): string {
  const path = relative(baseDir, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? file : path;
}
