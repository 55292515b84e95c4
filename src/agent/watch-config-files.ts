import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, matchesGlob, sep } from 'node:path';
import type { ConfigSources, WatchedDirectory } from '../config/tenants-from.ts';

/**
 * Watches what a configuration was read from and calls `onChange` with the path of anything that changes, until
 * closed.
 */
export type WatchSources = (sources: ConfigSources, onChange: (path: string) => void) => { close(): void };

/** The link a Kubernetes ConfigMap volume swaps, in one rename, on every update. */
const CONFIGMAP_LINK = '..data';

/**
 * Watches with `fs.watch`: the directories of `sources` (an editor that saves by writing a new file and renaming
 * it over the old one, a Kubernetes ConfigMap swapping its `..data` link, a file added or removed all show up
 * there), and the config file itself (which may be a link to another directory). A directory that does not exist
 * yet is watched through its nearest existing parent. Only paths the configuration reads or could read are
 * reported: a file read, one that a pattern matches, a directory that may hold them, a `..data` link; anything else
 * written in those directories (a busy log, the agent's own output) is not a change. Watchers do not keep the
 * process alive. Errors, such as a watched directory being removed, count as changes: the reload that follows
 * watches afresh.
 */
export const watchConfigSources: WatchSources = (sources, onChange) => {
  const watchers: FSWatcher[] = [];
  const files = new Set(sources.files);
  const open: Open = (path, recursive, matters) => {
    try {
      // A recursive watch of a missing path fails silently rather than throwing: look first.
      const isDirectory = statSync(path).isDirectory();
      if (recursive && !isDirectory) return false;
      const watcher = watch(path, { recursive, persistent: false }, (_event, name) => {
        // A watched file reports its own name: the change is the file itself.
        const changed = name && isDirectory ? join(path, name) : path;
        if (files.has(changed) || basename(changed) === CONFIGMAP_LINK || matters(changed)) onChange(changed);
      });
      watcher.on('error', () => onChange(path));
      watchers.push(watcher);
      return true;
    } catch {
      return false;
    }
  };
  for (const directory of mergeDirectories(sources.directories)) watchNearest(directory, sources.files, open);
  if (sources.files[0] !== undefined) open(sources.files[0], false, () => true);
  return {
    close() {
      for (const watcher of watchers.splice(0)) watcher.close();
    },
  };
};

type Open = (path: string, recursive: boolean, matters: (changed: string) => boolean) => boolean;

/** Watches `directory`, or when it cannot, its nearest parent that can be (without recursion). */
function watchNearest(directory: WatchedDirectory, files: readonly string[], open: Open): void {
  if (open(directory.path, directory.recursive, (changed) => mattersIn(directory, changed, files))) return;
  let path = directory.path;
  while (dirname(path) !== path) {
    path = dirname(path);
    // Only the steps towards the missing directory: the first of them to appear is what starts its watch.
    if (open(path, false, (changed) => isWithin(directory.path, changed))) return;
  }
}

/**
 * Whether a change at `changed` in a watched directory can change what is read: a path a pattern matches, or in a
 * recursive watch a directory (new ones may hold matching files) or one that held files read.
 */
function mattersIn(directory: WatchedDirectory, changed: string, files: readonly string[]): boolean {
  if (directory.patterns.some((pattern) => changed === pattern || matchesGlob(changed, pattern))) return true;
  if (!directory.recursive) return false;
  if (files.some((file) => isWithin(file, changed))) return true;
  try {
    return statSync(changed).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `ancestor` is `path` or one of its parent directories. */
function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(ancestor.endsWith(sep) ? ancestor : `${ancestor}${sep}`);
}

/** One entry per path, recursive when any entry for it is, with the patterns of all. */
function mergeDirectories(directories: readonly WatchedDirectory[]): WatchedDirectory[] {
  const merged = new Map<string, WatchedDirectory>();
  for (const { path, recursive, patterns } of directories) {
    const seen = merged.get(path);
    merged.set(path, {
      path,
      recursive: (seen?.recursive ?? false) || recursive,
      patterns: [...(seen?.patterns ?? []), ...patterns],
    });
  }
  return [...merged.values()];
}
