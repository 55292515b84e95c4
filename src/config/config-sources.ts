import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

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
export function patternDirectory(pattern: string, baseDir: string): WatchedDirectory {
  const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const segments = absolute.split(sep);
  const magic = segments.findIndex((segment) => GLOB_MAGIC.test(segment));
  if (magic === -1) return { path: dirname(absolute), recursive: false, patterns: [absolute] };
  const fixed = segments.slice(0, magic).join(sep) || sep;
  return { path: fixed, recursive: magic < segments.length - 1 || pattern.includes('**'), patterns: [absolute] };
}

/** Names `file` in messages: relative to `baseDir` when inside it, else absolute. */
export function nameFile(file: string, baseDir: string): string {
  const path = relative(baseDir, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? file : path;
}
