import type { ConfigSources } from '../config/tenants-from.ts';
import { formatProblem } from '../config/problems.ts';
import { deepFreeze, type LoadResult } from '../config/load-config.ts';
import type { Config, TenantConfig } from '../config/types.ts';
import type { Log } from '../log.ts';
import type { ReconcileSummary } from './agent.ts';
import { SYSTEM_TIMERS, type Timers } from './schedule.ts';
import { isSameSetting } from './same-settings.ts';
import { watchConfigSources, type WatchSources } from './watch-config-files.ts';

/** Where a running agent's configuration comes from: what to watch, and how to load it again. */
export interface ReloadSource {
  /** What it was read from: watched for changes. */
  sources: ConfigSources;
  /** The digest of what it was read from ({@link LoadResult.digest}): a file change that leaves it is no change. */
  digest?: string;
  /** Reads and validates the configuration again (narrowed to this replica's share of the tenants). Never rejects. */
  load: () => Promise<LoadResult>;
}

export interface ConfigReloaderOptions extends ReloadSource {
  /** The configuration running now (narrowed to this replica's share of the tenants, if sharded). */
  config: Config;
  /** Makes the running agent poll these tenants. */
  applyTenants: (tenants: readonly TenantConfig[]) => Promise<ReconcileSummary>;
  log: Log;
  /** How files are watched (default `fs.watch`). */
  watch?: WatchSources;
  /** Clock and timers for the debounce. */
  timers?: Timers;
}

/** Quiet time after a change before reloading: editors and `kubectl` write in several steps. */
const DEBOUNCE_MS = 1000;

/** Config keys that are not tenants, by the section of the file that sets them. */
const SECTION_OF: Readonly<Record<string, string>> = {
  serviceName: 'resource',
  stateDir: 'state',
  spoolMaxBytes: 'state',
};
const MOST_NAMES_LOGGED = 20;

/**
 * Reloads the configuration of a running agent on request (SIGHUP) and when its files change. A file change whose
 * files read the same as before (a touch, the same bytes written again) changes nothing. A reload loads and
 * validates the whole configuration again: when it is invalid, every problem is logged and the running
 * configuration kept; when valid, its tenants are applied (added ones start, removed ones stop, changed ones
 * restart with their memory, unchanged ones go on). Sections other than the tenants (exporter, server, resource,
 * state, …) are only read at start: a change there is logged as needing a restart, and the running values kept.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  readonly #timers: Timers;
  readonly #watchSources: WatchSources;
  #running: Config;
  /** Warnings already logged: a reload repeats only new ones. */
  #warned: Set<string>;
  #sources: ConfigSources;
  #digest: string | undefined;
  #watching: ReturnType<WatchSources> | undefined;
  #debounce: unknown;
  #tail: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;
  #closed = false;

  /** Starts watching the configuration's files. */
  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
    this.#timers = options.timers ?? SYSTEM_TIMERS;
    this.#watchSources = options.watch ?? watchConfigSources;
    this.#running = options.config;
    this.#warned = new Set(options.config.warnings);
    this.#sources = options.sources;
    this.#digest = options.digest;
    this.#watching = this.#watchSources(this.#sources, (path) => this.notify(path));
    const { files, directories } = options.sources;
    options.log.debug('watching the configuration', { files: files.length, directories: directories.length });
  }

  /** The running configuration: the tenants last applied, the other sections as started. */
  current(): Config {
    return this.#running;
  }

  /** Reloads now, after a reload in progress; requests made before it starts share it. Never rejects. */
  reload(reason: string): Promise<void> {
    if (this.#closed) return this.#tail;
    if (this.#queued !== undefined) return this.#queued;
    const next = this.#tail.then(() => {
      this.#queued = undefined;
      return this.#closed ? undefined : this.#reloadOnce(reason);
    });
    this.#queued = next.catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.#options.log.error('configuration reload failed, the running one is kept', { reason: message });
    });
    this.#tail = this.#queued;
    return this.#queued;
  }

  /** Tells that `path` changed: reloads once changes have stopped for the debounce time. */
  notify(path: string): void {
    if (this.#closed) return;
    this.#options.log.debug('configuration file changed', { path });
    if (this.#debounce !== undefined) this.#timers.clearTimeout(this.#debounce);
    this.#debounce = this.#timers.setTimeout(() => {
      this.#debounce = undefined;
      void this.reload('file change');
    }, DEBOUNCE_MS);
  }

  /** Stops watching and waits for a reload in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#debounce !== undefined) this.#timers.clearTimeout(this.#debounce);
    this.#watching?.close();
    this.#watching = undefined;
    await this.#tail;
  }

  async #reloadOnce(reason: string): Promise<void> {
    const { log } = this.#options;
    const result = await this.#options.load();
    this.#rewatch(result.sources ?? this.#sources);
    // A file touched, or rewritten with the same bytes, is no change: nothing is applied, nothing said but in debug.
    const unchanged = reason !== 'SIGHUP' && result.digest !== undefined && result.digest === this.#digest;
    this.#digest = result.digest;
    if (unchanged) return log.debug('configuration files unchanged, nothing reloaded', { reason });
    log.info('reloading configuration', { reason });
    if (!result.ok) {
      log.error('configuration rejected, the running one is kept', { problems: result.problems.length });
      for (const problem of result.problems) log.error(formatProblem(problem));
      return;
    }
    for (const warning of result.config.warnings) if (!this.#warned.has(warning)) log.warn(warning);
    this.#warned = new Set(result.config.warnings);
    const sections = changedSections(this.#running, result.config);
    if (sections.length > 0)
      log.warn('configuration changes that need a restart are not applied', { sections: sections.join(', ') });
    const summary = await this.#options.applyTenants(result.config.tenants);
    this.#running = deepFreeze({ ...this.#running, tenants: result.config.tenants });
    this.#logSummary(summary, reason);
  }

  /** Watches the sources of the last load afresh: a file replaced by rename is a new file. */
  #rewatch(next: ConfigSources): void {
    if (this.#closed) return;
    this.#sources = next;
    const previous = this.#watching;
    this.#watching = this.#watchSources(next, (path) => this.notify(path));
    previous?.close();
  }

  #logSummary(summary: ReconcileSummary, reason: string): void {
    const { log } = this.#options;
    const changed = summary.added.length + summary.removed.length + summary.restarted.length > 0;
    const fields = {
      tenants: summary.added.length + summary.restarted.length + summary.unchanged,
      added: listNames(summary.added),
      removed: listNames(summary.removed),
      restarted: listNames(summary.restarted),
    };
    if (changed) log.info('configuration reloaded', fields);
    else if (reason === 'SIGHUP') log.info('configuration reloaded, no tenant changed', fields);
    else log.debug('configuration reloaded, no tenant changed', fields);
  }
}

/** The sections of the file, other than the tenants, whose values differ between two configurations. */
function changedSections(running: Config, loaded: Config): string[] {
  const keys = new Set([...Object.keys(running), ...Object.keys(loaded)]);
  const sections = new Set<string>();
  for (const key of keys) {
    // The customer sources are read again at every load, as the tenants are.
    if (key === 'tenants' || key === 'warnings' || key === 'customerSources') continue;
    const a = (running as unknown as Record<string, unknown>)[key];
    const b = (loaded as unknown as Record<string, unknown>)[key];
    if (!isSameSetting(a, b)) sections.add(SECTION_OF[key] ?? key);
  }
  return [...sections].sort();
}

function listNames(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const shown = names.slice(0, MOST_NAMES_LOGGED).join(',');
  return names.length > MOST_NAMES_LOGGED ? `${shown},… (${names.length})` : shown;
}
