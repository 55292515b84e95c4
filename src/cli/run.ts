import { resolve } from 'node:path';
import type { ReloadSource } from '../agent/config-reloader.ts';
import { CustomerDiscovery } from '../agent/customer-discovery.ts';
import { resolveShard, selectShare, type ShardChoice } from '../agent/shard.ts';
import { formatProblem, loadConfig, SchemaValidators } from '../config/index.ts';
import { singleFileSources, type ConfigSources } from '../config/tenants-from.ts';
import type { Config, CustomerSource } from '../config/types.ts';
import type { Log } from '../log.ts';
import { EXIT_USAGE, type CliIo } from './io.ts';
import { runAgent } from './run-agent.ts';
import { createCliLog, parseCommandLine, usageError } from './usage.ts';

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
  discovery?: CustomerDiscovery,
): ReloadSource {
  return {
    sources: sources ?? singleFileSources(file),
    digest,
    async load() {
      const customers = discovery && ((source: CustomerSource) => discovery.customers(source));
      const result = await loadConfig(file, env, { validators, customers });
      if (!result.ok) return result;
      // Every replica lists the customers itself, with the partner's settings from the whole configuration.
      discovery?.configure(result.config.customerSources);
      return { ...result, config: selectShare(result.config, shard, log) };
    },
  };
}

const RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  once: { type: 'boolean' },
  shard: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
} as const;

/**
 * `m365-health run --config FILE [--shard N/M] [--once]`: exits 2 for configuration errors and, with `--once`, 1 when
 * the telemetry of that run was not delivered.
 */
export async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('run', argv, io, RUN_OPTIONS, (values) => {
    const log = createCliLog(io, values['log-level'], values['log-format']);
    if (!values.config) throw new Error('--config FILE is required');
    return { file: values.config, once: values.once, shardFlag: values.shard, log };
  });
  if (typeof parsed === 'number') return parsed;
  const { file, log } = parsed;
  const validators = new SchemaValidators();
  const result = await loadConfig(file, io.env, { validators });
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(`${formatProblem(problem)}\n`);
    return EXIT_USAGE;
  }
  for (const warning of result.config.warnings) log.warn(warning);
  let config: Config;
  let shard: ShardChoice | undefined;
  try {
    shard = resolveShard({ flag: parsed.shardFlag, env: io.env });
    config = selectShare(result.config, shard, log);
  } catch (error) {
    return usageError(io, error, 'run');
  }
  const discovery = result.config.customerSources && new CustomerDiscovery({ log });
  discovery?.configure(result.config.customerSources);
  const reload = configReloadSource(file, io.env, shard, log, validators, result.sources, result.digest, discovery);
  return runAgent({ config, log, io, once: parsed.once, reload, discovery, configFile: resolve(file) });
}
