import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentReport } from './agent-process.ts';
import { readCpuSeconds, readPeakRssBytes } from './proc-stats.ts';

/** What one measured process did in its steady window (every interval after the warm-up). */
export interface ProcessMeasurement {
  /** CPU seconds from spawn until it said it started (loading config, building the agent). */
  startupCpuSeconds: number;
  /** CPU seconds of the warm-up intervals (first token of every tenant). */
  firstIntervalCpuSeconds: number;
  steadyCpuSeconds: number;
  steadyWallSeconds: number;
  /** Polls started in the steady window. */
  steadyPolls: number;
  /** Polls ended in the steady window whose answer was the last one byte for byte, and polls that failed. */
  steadyUnchanged: number;
  steadyFailed: number;
  /** Polls that failed before the steady window (the first polls of a start, when a machine cannot keep up). */
  warmupFailed: number;
  peakRssBytes: number;
  /** Scheduling lag of the polls started in the steady window, ms. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** CPU seconds the companion process used in the steady window. */
  companionCpuSeconds: number;
  /** Start and end of the steady window (ms since epoch). */
  window: [number, number];
  report: AgentReport;
}

export interface MeasureOptions {
  readonly script: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly execArgv?: readonly string[];
  readonly intervalMs: number;
  /** Intervals to run: the first `warmup` (default 1) warm up, the others are measured. */
  readonly intervals: number;
  readonly warmup?: number;
  /** Another process whose CPU over the same steady window is wanted (the simulator). */
  readonly companionPid?: number;
}

/** The value below which `share` of the sorted values fall. */
export function percentile(values: readonly number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

/** Spawns a bench process speaking the started/stop/report protocol, and samples its CPU at each interval. */
export async function measureProcess(options: MeasureOptions): Promise<ProcessMeasurement> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), options.script, ...options.args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const exited = once(child, 'exit');
  const message = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      // Messages sent just before the exit may still be on their way: give them a moment.
      void exited.then(() => setTimeout(() => reject(new Error(`${options.script} exited before '${type}'`)), 1000));
    });
  try {
    await message('started');
    const pid = child.pid!;
    const companion = () => (options.companionPid === undefined ? 0 : readCpuSeconds(options.companionPid));
    const samples = [{ at: Date.now(), cpu: readCpuSeconds(pid), companion: companion() }];
    for (let k = 1; k <= options.intervals; k++) {
      await sleep(samples[0].at + k * options.intervalMs - Date.now());
      samples.push({ at: Date.now(), cpu: readCpuSeconds(pid), companion: companion() });
    }
    const peakRssBytes = readPeakRssBytes(pid);
    const reporting = message('report');
    child.send({ type: 'stop' });
    const report = (await reporting).report as AgentReport;
    await exited;
    return summarize(samples, options.warmup ?? 1, peakRssBytes, report);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

type Sample = { at: number; cpu: number; companion: number };

function summarize(samples: Sample[], warmup: number, peakRssBytes: number, report: AgentReport): ProcessMeasurement {
  const first = samples[warmup];
  const last = samples.at(-1)!;
  const inWindow = (t: number) => t >= first.at && t < last.at;
  const lags = report.lags.filter((_, i) => inWindow(report.starts[i]));
  return {
    startupCpuSeconds: samples[0].cpu,
    firstIntervalCpuSeconds: first.cpu - samples[0].cpu,
    steadyCpuSeconds: last.cpu - first.cpu,
    steadyWallSeconds: (last.at - first.at) / 1000,
    steadyPolls: lags.length,
    steadyUnchanged: report.unchangedEnds.filter(inWindow).length,
    steadyFailed: report.failedEnds.filter(inWindow).length,
    warmupFailed: report.failedEnds.filter((t) => t < first.at).length,
    peakRssBytes,
    lagP50Ms: percentile(lags, 0.5),
    lagP99Ms: percentile(lags, 0.99),
    lagMaxMs: lags.length === 0 ? Number.NaN : lags.reduce((max, lag) => Math.max(max, lag), -Infinity),
    companionCpuSeconds: last.companion - first.companion,
    window: [first.at, last.at],
    report: { ...report, starts: [], lags: [], unchangedEnds: [], failedEnds: [] },
  };
}
