import type { AgentRun, BenchResult } from './bench.ts';

/** One target of a row: what is measured, its bound, and the result against it. */
export interface TargetResult {
  readonly what: string;
  readonly bound: string;
  readonly result: string;
  readonly met: boolean;
}

const MB = 1024 * 1024;

/**
 * The targets of a row, by what it runs. The default telemetry at up to 10,000 tenants: at most 1.3× the bare HTTP
 * calls, under 350 MB; past 10,000 tenants (50,000 every 5 minutes): a quarter of a core and under 1 GB, the ratio
 * not a target; answers that are not byte-stable: under 1.6×; the state set on: the targets of before (1.5×, 512
 * MB). Every row: under a quarter of one core and a scheduling lag p99 under 1 s.
 */
export function targetsOf(f: RunFigures): TargetResult[] {
  const targets: TargetResult[] = [];
  const atMost = (what: string, value: number, bound: number, show: (v: number) => string) =>
    targets.push({ what, bound: `≤ ${show(bound)}`, result: show(value), met: value <= bound });
  const ratio = f.varyAnswers ? 1.6 : f.serviceStatus ? 1.5 : f.tenants > 10_000 ? undefined : 1.3;
  if (ratio !== undefined) atMost('overhead ratio', f.overheadRatio, ratio, (v) => v.toFixed(2));
  atMost('share of one core', f.coreShare, 0.25, pct);
  const rss = f.tenants > 10_000 ? 1024 * MB : f.serviceStatus ? 512 * MB : f.varyAnswers ? undefined : 350 * MB;
  if (rss !== undefined) atMost('peak RSS', f.peakRssBytes, rss, mb);
  atMost('lag p99', f.lagP99Ms / 1000, 1, (v) => `${ms(v * 1000)} ms`);
  return targets;
}

/** The numbers of one run that the table shows. */
export interface RunFigures {
  tenants: number;
  intervalMs: number;
  serviceStatus: boolean;
  varyAnswers: boolean;
  agentCpuPer1000: number;
  baselineCpuPer1000: number;
  overheadRatio: number;
  coreShare: number;
  baselineCoreShare: number;
  simulatorCoreShare: number;
  peakRssBytes: number;
  baselinePeakRssBytes: number;
  exportBytes: number;
  series: number;
  events: number;
  lagP50Ms: number;
  lagP99Ms: number;
  baselineLagP99Ms: number;
  polls: number;
  /** Polls of the window that skipped parsing (the answer was the last one byte for byte), and failed polls. */
  unchanged: number;
  failed: number;
  /** Polls that failed before the window: the warm-up's first polls. */
  warmupFailed: number;
}

/** Derives the table's figures from one run. */
export function figuresOf(run: AgentRun): RunFigures {
  const { agent, baseline } = run;
  const agentCpuPer1000 = (agent.steadyCpuSeconds / agent.steadyPolls) * 1000;
  const baselineCpuPer1000 = (baseline.steadyCpuSeconds / baseline.steadyPolls) * 1000;
  // One collection may be sent as several requests (batches): totals over the window, per interval.
  const cycles = Math.max(1, Math.round((agent.window[1] - agent.window[0]) / run.intervalMs));
  const windowBytes = run.exports.reduce((sum, e) => sum + e.bytes, 0);
  const windowPoints = run.exports.reduce((sum, e) => sum + sumPoints(e.points), 0);
  return {
    tenants: run.tenants,
    intervalMs: run.intervalMs,
    serviceStatus: run.serviceStatus,
    varyAnswers: run.varyAnswers,
    agentCpuPer1000,
    baselineCpuPer1000,
    overheadRatio: agentCpuPer1000 / baselineCpuPer1000,
    coreShare: agent.steadyCpuSeconds / agent.steadyWallSeconds,
    baselineCoreShare: baseline.steadyCpuSeconds / baseline.steadyWallSeconds,
    simulatorCoreShare: agent.companionCpuSeconds / agent.steadyWallSeconds,
    peakRssBytes: agent.peakRssBytes,
    baselinePeakRssBytes: baseline.peakRssBytes,
    exportBytes: windowBytes / cycles,
    series: Math.round(windowPoints / cycles),
    events: run.events,
    lagP50Ms: agent.lagP50Ms,
    lagP99Ms: agent.lagP99Ms,
    baselineLagP99Ms: baseline.lagP99Ms,
    polls: agent.steadyPolls,
    unchanged: agent.steadyUnchanged,
    failed: agent.steadyFailed,
    warmupFailed: agent.warmupFailed,
  };
}

function sumPoints(points: ReadonlyMap<string, number> | undefined): number {
  let total = 0;
  for (const count of points?.values() ?? []) total += count;
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
const num = (value: number) => value.toLocaleString('en-US');

/** How a row is named in the tables and the targets. */
export function rowName(f: Pick<RunFigures, 'tenants' | 'intervalMs' | 'serviceStatus' | 'varyAnswers'>): string {
  const every = f.intervalMs % 60_000 === 0 ? `${f.intervalMs / 60_000} min` : `${f.intervalMs / 1000} s`;
  const extra = [...(f.serviceStatus ? ['state set on'] : []), ...(f.varyAnswers ? ['answers not byte-stable'] : [])];
  return `${num(f.tenants)} every ${every}${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`;
}

/** The results as Markdown: one row per agent run, then the check process's cost, then every row's targets. */
export function formatResults(result: BenchResult): string {
  const rows = result.runs.map(figuresOf);
  const lines = [
    'Figures over the steady window (the intervals after the warm-up); polls and exports at the same interval.',
    '',
    '| tenants, interval | agent CPU s / 1,000 polls | baseline CPU s / 1,000 polls | overhead ratio | share of one core (agent / baseline) | peak RSS (agent / baseline) | OTLP bytes / export | OTLP bytes / tenant / export | series | series / tenant | lag p50 / p99 | polls | unchanged / failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${rowName(r)} | ${r.agentCpuPer1000.toFixed(3)} | ${r.baselineCpuPer1000.toFixed(3)} | ` +
        `**${r.overheadRatio.toFixed(2)}** | ${pct(r.coreShare)} / ${pct(r.baselineCoreShare)} | ${mb(r.peakRssBytes)} / ${mb(r.baselinePeakRssBytes)} | ` +
        `${mb(r.exportBytes)} | ${kb(r.exportBytes / r.tenants)} | ${num(r.series)} | ${(r.series / r.tenants).toFixed(1)} | ` +
        `${ms(r.lagP50Ms)} / ${ms(r.lagP99Ms)} ms | ${num(r.polls)} | ${pct(r.unchanged / r.polls)} / ${num(r.failed)} |`,
    ),
  ];
  lines.push(
    '',
    `The simulator, in its own process, used ${rows.map((r) => `${pct(r.simulatorCoreShare)} (${rowName(r)})`).join(', ')} of a core serving both.`,
  );
  const warmupFailures = rows.filter((r) => r.warmupFailed > 0);
  if (warmupFailures.length > 0)
    lines.push(
      '',
      `Polls failed in the warm-up: ${warmupFailures.map((r) => `${num(r.warmupFailed)} (${rowName(r)})`).join(', ')}.`,
    );
  const check = result.check;
  if (check) {
    const agent = rows.find((r) => r.serviceStatus) ?? rows[0];
    const perPoll = agent ? agent.agentCpuPer1000 / 1000 : Number.NaN;
    lines.push(
      '',
      `One \`m365-health check\` process (token cached in its state file): **${(check.cpuSecondsPerRun * 1000).toFixed(0)} ms CPU** ` +
        `and ${(check.wallSecondsPerRun * 1000).toFixed(0)} ms wall per tenant per interval (mean of ${check.runs} runs), ` +
        `${Math.round(check.cpuSecondsPerRun / perPoll)}× the agent's ${(perPoll * 1000).toFixed(2)} ms per tenant-poll ` +
        `(${agent ? rowName(agent) : 'no run'}).`,
    );
  }
  lines.push('', '| run | target | result | |', '|---|---|---:|---|');
  for (const r of rows)
    for (const t of targetsOf(r))
      lines.push(`| ${rowName(r)} | ${t.what} ${t.bound} | ${t.result} | ${t.met ? 'met' : '**not met**'} |`);
  return lines.join('\n');
}
