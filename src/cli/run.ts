import { parseArgs } from 'node:util';
import type { Agent } from '../agent/agent.ts';
import { assembleAgent } from '../agent/build-agent.ts';
import { tuneGarbageCollection } from '../agent/gc-tuning.ts';
import { resolveShard, selectShare, type ShardChoice } from '../agent/shard.ts';
import { prepareStateDir } from '../agent/state-dir.ts';
import { holdStateLock } from '../agent/state-lock.ts';
import { formatProblem, loadConfig, SchemaValidators } from '../config/index.ts';
import { ObservationStore } from '../observation/observation-store.ts';
import type { Config } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import { createLog, LOG_LEVELS, type Log, type LogLevel } from '../log.ts';
import { startStatusServer, type StatusServer } from '../server/http-server.ts';
import { isMetricEnabled } from '../catalogue/catalogue.ts';
import { formatUndelivered } from '../telemetry/export-watch.ts';
import { createEventsDroppedRecorder } from '../telemetry/instruments.ts';
import { createTelemetrySdk, type TelemetrySdk, type TelemetrySdkOptions } from '../telemetry/sdk.ts';
import { VERSION } from '../version.ts';
import { EXIT_OK, EXIT_UNDELIVERED, EXIT_USAGE, STOP_BOUND_MS, type CliIo } from './io.ts';
import { startStopDeadline, type StopDeadline } from './stop-deadline.ts';
import { waitAtMost } from '../shared/wait-at-most.ts';
import { configReloadSource, startReloading, type ReloadSource } from './reload.ts';
import { COMMAND_USAGE, HELP_OPTION, usageError } from './usage.ts';

/** Of the stop bound, what is kept for the end: the last state writes, the lock, the last log lines, the exit. */
const EXIT_RESERVE_MS = 1_500;

/** Bound on flushing telemetry at shutdown (and on the whole of `--once`'s final flush). */
export const SHUTDOWN_FLUSH_MS = STOP_BOUND_MS - EXIT_RESERVE_MS;

/** Of the stop bound, the most that stopping the polls, the reloads and the status endpoint may take. */
const HALT_MS = 2_000;

export interface AgentRunOptions {
  config: Config;
  log: Log;
  io: CliIo;
  /** Extra sinks beside the OTLP exporters (the demo's terminal view). */
  sinks?: Pick<TelemetrySdkOptions, 'metricExporters' | 'processors'>;
  /** Whether to export over OTLP (the demo without an endpoint does not). */
  exportOtlp?: boolean;
  /** Poll every tenant once, export, and exit (for cron jobs and tests): 1 when the export was not delivered. */
  once?: boolean;
  /** Told the status endpoint's URL once it listens. */
  onServer?: (url: string) => void;
  /** Where the configuration comes from, to reload it on SIGHUP and when its files change; absent: no reloads. */
  reload?: ReloadSource;
}

/**
 * Runs the agent until the process is asked to stop, then stops within {@link STOP_BOUND_MS} of the signal: the
 * polls and the telemetry's flush each get a share of it, and whatever is still in flight at its end is left to
 * the exit of the process (and logged).
 */
export async function runAgent(options: AgentRunOptions): Promise<number> {
  const { config, log, io } = options;
  const stop = watchStop(io.stopRequested);
  tuneGarbageCollection();
  // The status endpoint answers from the start; it shows the agent's tenants once the agent puts them in the store.
  const observations = new ObservationStore();
  // The listen address is tried first: a failure there has nothing to undo, while the state directory is made.
  const server = await openStatusServer(options, observations);
  if (server === 'failed') return EXIT_USAGE;
  const lock = await lockStateDir(config, io, log);
  if (lock === 'failed') {
    await server?.close();
    return EXIT_USAGE;
  }
  let recordDrop: (count: number, reason: string) => void = () => {};
  const telemetry = createTelemetrySdk({
    exporter: options.exportOtlp === false ? undefined : config.exporter,
    serviceName: config.serviceName,
    serviceVersion: VERSION,
    resource: config.resource,
    events: {
      maxBytes: config.spoolMaxBytes,
      durable: config.stateDir !== undefined,
      onDrop: (count, reason) => recordDrop(count, reason),
    },
    log,
    ...options.sinks,
  });
  recordDrop = createEventsDroppedRecorder(telemetry.meter, (name) => isMetricEnabled(config.metrics, name));
  const assembled = await assembleAgent(config, { telemetry, log, observations });
  const agent = assembled.agent;
  if (options.once) {
    const code = await runOnce(agent, telemetry, io, stop, assembled.saved);
    lock?.release();
    return code;
  }
  agent.start();
  log.info('agent started', {
    version: VERSION,
    tenants: config.tenants.length,
    endpoint: options.exportOtlp === false ? undefined : config.exporter.endpoint,
  });
  const reloading =
    options.reload && startReloading({ source: options.reload, config, applyTenants: assembled.applyTenants, io, log });
  const { signal, deadline } = await stop.asked;
  log.info('stopping', { signal });
  const halted = await deadline.within(Promise.all([reloading?.close(), agent.stop(), server?.close()]), HALT_MS);
  if (!halted) log.warn('polls in flight did not settle in time; stopping without them', { waitedMs: HALT_MS });
  const undelivered = await telemetry.shutdown(deadline.left());
  await waitAtMost(assembled.saved(), EXIT_RESERVE_MS / 2);
  lock?.release();
  for (const failure of undelivered) log.warn('telemetry not delivered at stop', { ...failure });
  log.info('stopped');
  return EXIT_OK;
}

/**
 * Makes `state.dir` ready when there is one, and takes its lock (one agent per state directory); says in one line
 * why it cannot be used otherwise.
 */
async function lockStateDir(config: Config, io: CliIo, log: Log): Promise<{ release(): void } | undefined | 'failed'> {
  if (config.stateDir === undefined) return undefined;
  try {
    await prepareStateDir(config.stateDir);
    return holdStateLock(config.stateDir, log);
  } catch (error) {
    if (!(error instanceof M365Error)) throw error;
    io.stderr(`m365-health: ${error.message}\n`);
    return 'failed';
  }
}

/** A stop asked for (SIGTERM, SIGINT): an abort signal, and the signal's name with a deadline counted from it. */
interface StopWatch {
  readonly aborted: AbortSignal;
  readonly asked: Promise<{ signal: string; deadline: StopDeadline }>;
}

function watchStop(stopRequested: Promise<string>): StopWatch {
  const controller = new AbortController();
  const asked = stopRequested.then((signal) => {
    controller.abort();
    return { signal, deadline: startStopDeadline(SHUTDOWN_FLUSH_MS, () => performance.now()) };
  });
  return { aborted: controller.signal, asked };
}

/**
 * `--once`: polls every tenant, flushes, and tells what was not delivered. A stop aborts the polls and waits for
 * them at most {@link HALT_MS} (a login discovery in flight does not see the abort), then flushes what is there.
 */
async function runOnce(
  agent: Agent,
  telemetry: TelemetrySdk,
  io: CliIo,
  stop: StopWatch,
  saved: () => Promise<void>,
): Promise<number> {
  const polls = agent.pollAll(stop.aborted);
  await Promise.race([polls, stop.asked.then(({ deadline }) => deadline.within(polls, HALT_MS))]);
  const flushMs = stop.aborted.aborted ? (await stop.asked).deadline.left() : SHUTDOWN_FLUSH_MS;
  const undelivered = await telemetry.shutdown(flushMs);
  await waitAtMost(saved(), EXIT_RESERVE_MS / 2);
  for (const failure of undelivered) io.stderr(`m365-health: ${formatUndelivered(failure)}\n`);
  return undelivered.length === 0 ? EXIT_OK : EXIT_UNDELIVERED;
}

/**
 * Starts the status endpoint when the configuration asks for one (not for `--once`), before anything else holds a
 * resource: an address that cannot be listened on is a configuration error, told in one line.
 */
async function openStatusServer(
  options: AgentRunOptions,
  store: ObservationStore,
): Promise<StatusServer | undefined | 'failed'> {
  const { config, log, io } = options;
  if (!config.server || options.once) return undefined;
  let server: StatusServer;
  try {
    server = await startStatusServer({ ...config.server, observations: () => store.observations(), clock: Date.now });
  } catch (error) {
    if (!(error instanceof M365Error && error.code === 'LISTEN_FAILED')) throw error;
    io.stderr(`m365-health: server.listen: ${error.message}\n`);
    return 'failed';
  }
  log.info('status endpoint listening', { url: server.url });
  options.onServer?.(server.url);
  return server;
}

/** Parses `--log-level` and `--log-format` into a log on stderr. */
export function createCliLog(io: CliIo, level: string | undefined, format: string | undefined): Log {
  const chosen = (level ?? io.env.M365_HEALTH_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(chosen)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  if (format !== undefined && format !== 'text' && format !== 'json')
    throw new Error('--log-format must be text or json');
  return createLog({
    level: chosen,
    format: format ?? 'text',
    write: (line) => io.stderr(`${line}\n`),
    clock: Date.now,
  });
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
