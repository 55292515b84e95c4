/**
 * The agent as `m365-health run --config FILE` runs it (same config loader, telemetry SDK, garbage-collector settings
 * and agent), in a process of its own, plus what the bench needs to read: when each poll was planned and when it
 * started. Talks to the bench over IPC: sends `{ type: 'started' }`, answers `{ type: 'stop' }` with a report, then exits.
 */
import { buildAgent } from '../src/agent/build-agent.ts';
import { tuneGarbageCollection } from '../src/agent/gc-tuning.ts';
import { SHUTDOWN_FLUSH_MS } from '../src/cli/run-agent.ts';
import { loadConfig } from '../src/config/index.ts';
import { createLog } from '../src/log.ts';
import { createTelemetrySdk } from '../src/telemetry/sdk.ts';
import { VERSION } from '../src/version.ts';

/** What the agent process reports when stopped. */
export interface AgentReport {
  /** Start instant (ms since epoch) of every scheduled poll, and how late it started (ms). */
  starts: number[];
  lags: number[];
  /** End instant of every poll whose answer was byte for byte the last one (not parsed), and of every failed poll. */
  unchangedEnds: number[];
  failedEnds: number[];
  warnings: number;
  firstWarnings: string[];
}

/** Sends a message; resolves once it is written (a large report must not be cut by the exit). */
const send = (message: unknown) =>
  new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));
tuneGarbageCollection();
const loaded = await loadConfig(process.argv[2], process.env);
if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
const config = loaded.config;
const firstWarnings: string[] = [];
let warnings = 0;
const log = createLog({
  level: 'warn',
  format: 'text',
  clock: Date.now,
  write: (line) => {
    warnings++;
    if (firstWarnings.length < 10) firstWarnings.push(line);
  },
});
const telemetry = createTelemetrySdk({
  exporter: config.exporter,
  serviceName: config.serviceName,
  serviceVersion: VERSION,
  resource: config.resource,
});
const starts: number[] = [];
const lags: number[] = [];
const unchangedEnds: number[] = [];
const failedEnds: number[] = [];
const { agent } = await buildAgent(config, {
  telemetry,
  log,
  onPollStart: (_tenant, plannedAt, startedAt) => {
    starts.push(startedAt);
    lags.push(startedAt - plannedAt);
  },
  onPollEnd: (_tenant, result) => {
    if (!result.ok) failedEnds.push(Date.now());
    else if (result.unchanged) unchangedEnds.push(Date.now());
  },
});
agent.start();
await send({ type: 'started' });
process.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  void (async () => {
    await agent.stop();
    const report: AgentReport = { starts, lags, unchangedEnds, failedEnds, warnings, firstWarnings };
    await telemetry.shutdown(SHUTDOWN_FLUSH_MS);
    await send({ type: 'report', report });
    process.exit(0);
    process.disconnect();
  })();
});
