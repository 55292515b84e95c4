import { ConfigReloader } from '../agent/config-reloader.ts';
import type { ReconcileSummary } from '../agent/agent.ts';
import { selectShare, type ShardChoice } from '../agent/shard.ts';
import { singleFileSources, type ConfigSources } from '../config/tenants-from.ts';
import { loadConfig, type LoadResult, type SchemaValidators } from '../config/index.ts';
import type { Config, TenantConfig } from '../config/types.ts';
import type { Log } from '../log.ts';
import type { CliIo } from './io.ts';

/** Where a running agent's configuration comes from: what to watch, and how to load it again. */
export interface ReloadSource {
  sources: ConfigSources;
  /** The digest of the files of the running configuration, when known. */
  digest?: string;
  /** Loads and validates the configuration, narrowed to this replica's share of the tenants. Never rejects. */
  load: () => Promise<LoadResult>;
}

/**
 * The configuration at `file`, narrowed to `shard` on every load as it was at start, checked with the schema
 * `validators` the first load compiled.
 */
export function configReloadSource(
  file: string,
  env: CliIo['env'],
  shard: ShardChoice | undefined,
  log: Log,
  validators: SchemaValidators,
  sources: ConfigSources | undefined,
  digest?: string,
): ReloadSource {
  return {
    sources: sources ?? singleFileSources(file),
    digest,
    async load() {
      const result = await loadConfig(file, env, { validators });
      return result.ok ? { ...result, config: selectShare(result.config, shard, log) } : result;
    },
  };
}

export interface ReloadingOptions {
  source: ReloadSource;
  config: Config;
  applyTenants: (tenants: readonly TenantConfig[]) => Promise<ReconcileSummary>;
  io: CliIo;
  log: Log;
}

/** Reloads the configuration when its files change and on SIGHUP, until closed. */
export function startReloading(options: ReloadingOptions): { close(): Promise<void> } {
  const { source, config, applyTenants, log } = options;
  const reloader = new ConfigReloader({
    config,
    sources: source.sources,
    digest: source.digest,
    load: source.load,
    applyTenants,
    log,
  });
  const unsubscribe = options.io.reloadRequested?.(() => void reloader.reload('SIGHUP'));
  log.debug('watching the configuration', {
    files: source.sources.files.length,
    directories: source.sources.directories.length,
  });
  return {
    async close() {
      unsubscribe?.();
      await reloader.close();
    },
  };
}
