import { hostname } from 'node:os';
import type { Agent } from '../agent/agent.ts';
import { buildAgent } from '../agent/build-agent.ts';
import { tuneGarbageCollection } from '../agent/gc-tuning.ts';
import { ConfigReloader, type ReloadSource } from '../agent/config-reloader.ts';
import type { CustomerDiscovery } from '../agent/customer-discovery.ts';
import { prepareStateDir } from '../agent/state-dir.ts';
import { holdStateLock } from '../agent/state-lock.ts';
import { resolveInstanceId } from '../agent/instance-id.ts';
import { ObservationStore } from '../observation/observation-store.ts';
import { exportTarget, exporterSecrets } from '../config/exporter.ts';
import type { Config } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import type { Log } from '../log.ts';
import { startStatusServer, type StatusServer } from '../server/http-server.ts';
import { isMetricEnabled } from '../catalogue/catalogue.ts';
import { formatUndelivered } from '../telemetry/export-watch.ts';
import type { ExportStatus } from '../observation/export-status.ts';
import { createEventsDroppedRecorder } from '../telemetry/instruments.ts';
import { routeDiagnostics } from '../telemetry/diag-route.ts';
import { registerExportMetrics } from '../telemetry/export-metrics.ts';
import { createTelemetrySdk, type TelemetrySdk, type TelemetrySdkOptions } from '../telemetry/sdk.ts';
import { VERSION } from '../version.ts';
import { EXIT_OK, EXIT_UNDELIVERED, EXIT_USAGE, STOP_BOUND_MS, type CliIo } from './io.ts';
import { waitAtMost } from '../shared/wait-at-most.ts';

/**
 * Of the stop bound, what is kept for the end: the last state writes, the lock, the last log lines, the exit. A
 * loaded machine's event loop answers late, and 1.5 s proved too little there once.
 */
const EXIT_RESERVE_MS = 2_500;

/** Of that reserve, the most the last state writes (delivered events leaving the state files) may take. */
const STATE_WRITES_MS = 750;

/** Bound on flushing telemetry at shutdown (and on the whole of `--once`'s final flush). */
export const SHUTDOWN_FLUSH_MS = STOP_BOUND_MS - EXIT_RESERVE_MS;

/** Of the stop bound, the most that stopping the polls, the reloads and the status endpoint may take. */
const HALT_MS = 2_000;

export interface AgentRunOptions {
  config: Config;
  log: Log;
  io: CliIo;
  /** Extra sinks beside the OTLP exporters, and where the exports' failures and recoveries go (the demo's view). */
  sinks?: Pick<TelemetrySdkOptions, 'metricExporters' | 'processors' | 'onExportChange'>;
  /** Whether to export over OTLP (the demo without an endpoint does not). */
  exportOtlp?: boolean;
  /** Poll every tenant once, export, and exit (for cron jobs and tests): 1 when the export was not delivered. */
  once?: boolean;
  /** The config file's absolute path, one of what `service.instance.id` is made of without `state.dir`. */
  configFile?: string;
  /** Told the status endpoint's URL once it listens. */
  onServer?: (url: string) => void;
  /** Where the configuration comes from, to reload it on SIGHUP and when its files change; absent: no reloads. */
  reload?: ReloadSource;
  /** The partner tenants' customers, listed at start and on their schedule (`reload` loads them as tenants). */
  discovery?: CustomerDiscovery;
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
  let server: StatusServer | undefined;
  let lock: { release(): void } | undefined;
  // The status endpoint shows the exports once there are some.
  let exports: TelemetrySdk['exports'] | undefined = undefined;
  try {
    server = await openStatusServer(options, observations, () => exports?.statuses() ?? []);
    // One agent per state directory: made ready, then locked.
    if (config.stateDir !== undefined) {
      await prepareStateDir(config.stateDir);
      lock = holdStateLock(config.stateDir, log);
    }
  } catch (error) {
    if (!(error instanceof M365Error && STARTUP_ERRORS.has(error.code))) throw error;
    await server?.close();
    io.stderr(`m365-health: ${error.code === 'LISTEN_FAILED' ? 'server.listen: ' : ''}${error.message}\n`);
    return EXIT_USAGE;
  }
  const { telemetry, unrouteDiagnostics, exportOtlp } = await startTelemetry(options);
  exports = telemetry.exports;
  const { agent, applyTenants, saved, listCustomers } = await buildAgent(config, { telemetry, log, observations });
  const { discovery } = options;
  if (options.once && discovery && options.reload && (await discovery.refresh({ list: listCustomers }))) {
    const loaded = await options.reload.load();
    if (loaded.ok) await applyTenants(loaded.config.tenants);
  }
  if (options.once) {
    const code = await runOnce(agent, telemetry, io, stop, saved);
    unrouteDiagnostics();
    lock?.release();
    return code;
  }
  agent.start();
  log.info('agent started', {
    version: VERSION,
    tenants: config.tenants.length,
    metrics: exportOtlp ? exportTarget(config.exporter, 'metrics').url : undefined,
    logs: exportOtlp ? exportTarget(config.exporter, 'logs').url : undefined,
  });
  const reloader = options.reload && new ConfigReloader({ ...options.reload, config, applyTenants, log });
  const unsubscribe = reloader && io.reloadRequested?.(() => void reloader.reload('SIGHUP'));
  if (reloader) discovery?.start({ list: listCustomers, onChange: (reason) => reloader.reload(reason) });
  const { signal, deadline } = await stop.asked;
  log.info('stopping', { signal });
  unsubscribe?.();
  discovery?.stop();
  const halted = await deadline.within(Promise.all([reloader?.close(), agent.stop(), server?.close()]), HALT_MS);
  if (!halted) log.warn('polls in flight did not settle in time; stopping without them', { waitedMs: HALT_MS });
  const undelivered = await telemetry.shutdown(deadline.left());
  unrouteDiagnostics();
  await waitAtMost(saved(), STATE_WRITES_MS);
  lock?.release();
  for (const failure of undelivered) log.warn('telemetry not delivered at stop', { ...failure });
  log.info('stopped');
  return EXIT_OK;
}

/**
 * The telemetry of the agent: its SDK, the process's own metrics (dropped events, exports), and the SDK's
 * diagnostics routed to the log until `unrouteDiagnostics` (after the telemetry's shutdown).
 */
async function startTelemetry(options: AgentRunOptions) {
  const { config, log } = options;
  const unrouteDiagnostics = routeDiagnostics({
    log,
    clock: Date.now,
    periodMs: 60_000,
    secrets: exporterSecrets(config.exporter),
  });
  let recordDrop: (count: number, reason: string) => void = () => {};
  const exportOtlp = options.exportOtlp !== false && config.exporter.disabled !== true;
  const instance = { stateDir: config.stateDir, hostname: hostname(), configFile: options.configFile, log };
  const telemetry = createTelemetrySdk({
    exporter: exportOtlp ? config.exporter : undefined,
    serviceName: config.serviceName,
    serviceVersion: VERSION,
    instanceId: await resolveInstanceId(instance),
    resource: config.resource,
    events: {
      maxBytes: config.spoolMaxBytes,
      durable: config.stateDir !== undefined,
      onDrop: (count, reason) => recordDrop(count, reason),
    },
    log,
    ...options.sinks,
  });
  const isEnabled = (name: string) => isMetricEnabled(config.metrics, name);
  recordDrop = createEventsDroppedRecorder(telemetry.meter, isEnabled);
  registerExportMetrics(telemetry.meter, () => telemetry.exports.tallies(), isEnabled);
  return { telemetry, unrouteDiagnostics, exportOtlp };
}

/** Start-up errors of the configuration (the status endpoint's address, the state directory): told in one line. */
const STARTUP_ERRORS: ReadonlySet<string> = new Set(['LISTEN_FAILED', 'STATE_DIR_UNUSABLE', 'STATE_LOCKED']);

/**
 * A stop asked for (SIGTERM, SIGINT): an abort signal, and the signal's name with a deadline counted from it, of
 * which each step of the stop gets what is left: `left()` ms (never negative), and `within(step, capMs)`, which waits
 * for `step` at most `capMs` and never past the deadline, true when it finished in time (or rejected).
 */
function watchStop(stopRequested: Promise<string>) {
  const controller = new AbortController();
  const asked = stopRequested.then((signal) => {
    controller.abort();
    const end = performance.now() + SHUTDOWN_FLUSH_MS;
    const left = () => Math.max(0, end - performance.now());
    const within = (step: Promise<unknown>, capMs = Number.POSITIVE_INFINITY) =>
      waitAtMost(
        step.catch(() => undefined),
        Math.min(capMs, left()),
      );
    return { signal, deadline: { left, within } };
  });
  return { aborted: controller.signal, asked };
}

/**
 * `--once`: polls every tenant, flushes, and tells what was not delivered. A stop aborts the polls and waits for
 * them at most {@link HALT_MS} (a token request in flight does not see the abort), then flushes what is there.
 */
async function runOnce(
  agent: Agent,
  telemetry: TelemetrySdk,
  io: CliIo,
  stop: ReturnType<typeof watchStop>,
  saved: () => Promise<void>,
): Promise<number> {
  const polls = agent.pollAll(stop.aborted);
  await Promise.race([polls, stop.asked.then(({ deadline }) => deadline.within(polls, HALT_MS))]);
  const flushMs = stop.aborted.aborted ? (await stop.asked).deadline.left() : SHUTDOWN_FLUSH_MS;
  const undelivered = await telemetry.shutdown(flushMs);
  await waitAtMost(saved(), STATE_WRITES_MS);
  for (const failure of undelivered) io.stderr(`m365-health: ${formatUndelivered(failure)}\n`);
  return undelivered.length === 0 ? EXIT_OK : EXIT_UNDELIVERED;
}

/** Starts the status endpoint when the configuration asks for one (not for `--once`). */
async function openStatusServer(
  options: AgentRunOptions,
  store: ObservationStore,
  exports: () => readonly ExportStatus[],
): Promise<StatusServer | undefined> {
  const { config, log } = options;
  if (!config.server || options.once) return undefined;
  const server = await startStatusServer({
    ...config.server,
    observations: () => store.observations(),
    exports,
    sources: () => options.discovery?.statuses() ?? [],
    clock: Date.now,
  });
  log.info('status endpoint listening', { url: server.url });
  options.onServer?.(server.url);
  return server;
}
