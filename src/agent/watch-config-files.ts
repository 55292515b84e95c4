import { statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigSources, WatchedDirectory } from '../config/config-sources.ts';

/** A running watch; `close` stops it. */
export interface SourceWatch {
  close(): void;
}

/** Watches what a configuration was read from and calls `onChange` with the path of anything that changes. */
export type WatchSources = (sources: ConfigSources, onChange: (path: string) => void) => SourceWatch;

/**
 * Watches with `fs.watch`: the directories of `sources` (an editor that saves by writing a new file and renaming
 * it over the old one, a Kubernetes ConfigMap swapping its `..data` link, a file added or removed all show up
 * there), and the config file itself (which may be a link to another directory). A directory that does not exist
 * yet is watched through its nearest existing parent. Watchers do not keep the process alive. Errors, such as a
 * watched directory being removed, count as changes: the reload that follows watches afresh.
 */
export const watchConfigSources: WatchSources = (sources, onChange) => {
  const watchers: FSWatcher[] = [];
  const open = (path: string, recursive: boolean): boolean => {
    try {
      // A recursive watch of a missing path fails silently rather than throwing: look first.
      if (recursive && !statSync(path).isDirectory()) return false;
      const watcher = watch(path, { recursive, persistent: false }, (_event, name) => onChange(name ? join(path, name) : path));
      watcher.on('error', () => onChange(path));
      watchers.push(watcher);
      return true;
    } catch {
      return false;
    }
  };
  for (const directory of mergeDirectories(sources.directories)) watchNearest(directory, open);
  if (sources.files[0] !== undefined) open(sources.files[0], false);
  return {
    close() {
      for (const watcher of watchers.splice(0)) watcher.close();
    },
  };
};

/** Watches `directory`, or when it cannot, its nearest parent that can be (without recursion). */
function watchNearest(directory: WatchedDirectory, open: (path: string, recursive: boolean) => boolean): void {
  if (open(directory.path, directory.recursive)) return;
  let path = directory.path;
  while (dirname(path) !== path) {
    path = dirname(path);
    if (open(path, false)) return;
  }
}

/** One entry per path, recursive when any entry for it is. */
function mergeDirectories(directories: readonly WatchedDirectory[]): WatchedDirectory[] {
  const merged = new Map<string, boolean>();
  for (const { path, recursive } of directories) merged.set(path, (merged.get(path) ?? false) || recursive);
  return [...merged].map(([path, recursive]) => ({ path, recursive }));
}
