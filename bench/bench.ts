import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET_VARIABLE, writeAgentConfig } from './config-file.ts';
import { measureCheck, type CheckMeasurement } from './measure-check.ts';
import { measureProcess, type ProcessMeasurement } from './measure-process.ts';
import { startOtlpCounter, type MetricExport } from './otlp-counter.ts';
import { BENCH_CLIENT_SECRET } from './scenario.ts';

const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** One row of the table: a run of the agent beside the baseline, against a simulator of its own. */
export interface BenchRow {
  readonly tenants: number;
  readonly intervalMs: number;
  /** Intervals of the run, of which `warmup` (default 1) are not measured. */
  readonly intervals: number;
  readonly warmup?: number;
  /** The `m365.service.status` state set (and feature health) on, or the default telemetry. */
  readonly serviceStatus: boolean;
  /** Answers that differ in bytes at every poll, not in meaning (the simulator's `varyAnswers`). */
  readonly varyAnswers: boolean;
}

export interface BenchOptions {
  readonly rows: readonly BenchRow[];
  /** `m365-health check` processes to time (0: skip). */
  readonly checkRuns: number;
  /** Directory for `--cpu-prof` profiles of the agent, if wanted. */
  readonly cpuProfDir?: string;
  readonly progress?: (line: string) => void;
}

/** One run of the agent, with the baseline of the same tenant count. */
export interface AgentRun extends BenchRow {
  agent: ProcessMeasurement;
  baseline: ProcessMeasurement;
  /** Metrics exports received in the agent's steady window. */
  exports: MetricExport[];
  events: number;
}

export interface BenchResult {
  runs: AgentRun[];
  check: CheckMeasurement | undefined;
}

async function startSimulatorProcess(row: BenchRow): Promise<{ child: ChildProcess; url: string }> {
  const args = [script('./simulator-process.ts'), String(row.tenants), ...(row.varyAnswers ? ['--vary-answers'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: (JSON.parse(line.toString()) as { url: string }).url };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The compile cache `bin/m365-health.js` enables, where it puts it: agent and baseline start as the command does. */
const COMPILE_CACHE = { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'node-compile-cache') };

/** `--cpu-prof` into a directory per row and measured process, when profiles are wanted. */
function profileArgs(options: BenchOptions, row: BenchRow, kind: string): string[] {
  if (options.cpuProfDir === undefined) return [];
  const name = `${row.tenants}-${row.intervalMs / 1000}s-status-${row.serviceStatus ? 'on' : 'off'}${row.varyAnswers ? '-varied' : ''}`;
  return ['--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfDir, name, kind)}`];
}

async function runAgentOnce(options: BenchOptions, row: BenchRow, dir: string, url: string, simulatorPid: number) {
  const receiver = await startOtlpCounter();
  try {
    const config = await writeAgentConfig({ dir, simulatorUrl: url, receiverUrl: receiver.url, ...row });
    const agent = await measureProcess({
      script: script('./agent-process.ts'),
      args: [config],
      env: { [SECRET_VARIABLE]: BENCH_CLIENT_SECRET, ...COMPILE_CACHE },
      execArgv: profileArgs(options, row, 'agent'),
      ...row,
      companionPid: simulatorPid,
    });
    const [from, to] = agent.window;
    const exports = receiver.metricExports.filter((e) => e.at >= from && e.at < to);
    return { agent, exports, events: receiver.logs.records };
  } finally {
    await receiver.close();
  }
}

/** A row's description in progress lines. */
function describeRow(row: BenchRow): string {
  const status = `m365.service.status ${row.serviceStatus ? 'on' : 'off'}`;
  return `${row.tenants} tenants every ${row.intervalMs / 1000} s, ${status}${row.varyAnswers ? ', answers varied' : ''}`;
}

/**
 * Runs the whole bench: per row, a simulator process of its own (each run sees the incident of its scenario from its
 * start) and the agent and the baseline side by side against it, so that both see the same machine (the ratio is
 * what must not drift); then `check`, against the first simulator.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const progress = options.progress ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'm365-bench-'));
  const runs: AgentRun[] = [];
  let check: CheckMeasurement | undefined;
  try {
    for (const row of options.rows) {
      const simulator = await startSimulatorProcess(row);
      try {
        progress(`agent and baseline side by side: ${describeRow(row)}`);
        const [agent, baseline] = await Promise.all([
          runAgentOnce(options, row, dir, simulator.url, simulator.child.pid!),
          measureProcess({
            script: script('./baseline-process.ts'),
            args: [simulator.url, String(row.tenants), String(row.intervalMs)],
            env: COMPILE_CACHE,
            execArgv: profileArgs(options, row, 'baseline'),
            ...row,
          }),
        ]);
        runs.push({ ...row, baseline, ...agent });
        const { warnings, firstWarnings } = agent.agent.report;
        if (warnings > 0)
          progress(
            `the agent logged ${warnings} warning${warnings === 1 ? '' : 's'}; the first:\n${firstWarnings.join('\n')}`,
          );
        if (check === undefined && options.checkRuns > 0) {
          progress(`check: ${options.checkRuns} processes`);
          check = await measureCheck(simulator.url, options.checkRuns);
        }
      } finally {
        await stopProcess(simulator.child);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { runs, check };
}
