import { parseArgs } from 'node:util';
import type { ReloadSource } from '../agent/config-reloader.ts';
import { resolveShard, selectShare, type ShardChoice } from '../agent/shard.ts';
import { formatProblem, loadConfig, SchemaValidators } from '../config/index.ts';
import { singleFileSources, type ConfigSources } from '../config/tenants-from.ts';
import type { Config } from '../config/types.ts';
import type { Log } from '../log.ts';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.ts';
import { runAgent } from './run-agent.ts';
import { COMMAND_USAGE, createCliLog, HELP_OPTION, usageError } from './usage.ts';

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

/**
 * `m365-health run --config FILE [--shard N/M] [--once]`: exits 2 for configuration errors and, with `--once`, 1 when
 * the telemetry of that run was not delivered.
 */
export async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let values;
  let log: Log;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        once: { type: 'boolean' },
        shard: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        ...HELP_OPTION,
      },
    }));
    if (values.help) {
      io.stdout(COMMAND_USAGE.run);
      return EXIT_OK;
    }
    log = createCliLog(io, values['log-level'], values['log-format']);
  } catch (error) {
    return usageError(io, error, 'run');
  }
  if (!values.config) return usageError(io, new Error('--config FILE is required'), 'run');
  const validators = new SchemaValidators();
  const result = await loadConfig(values.config, io.env, { validators });
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(`${formatProblem(problem)}\n`);
    return EXIT_USAGE;
  }
  for (const warning of result.config.warnings) log.warn(warning);
  let config: Config;
  let shard: ShardChoice | undefined;
  try {
    shard = resolveShard({ flag: values.shard, env: io.env });
    config = selectShare(result.config, shard, log);
  } catch (error) {
    return usageError(io, error, 'run');
  }
  const reload = configReloadSource(values.config, io.env, shard, log, validators, result.sources, result.digest);
  return runAgent({ config, log, io, once: values.once, reload });
}
