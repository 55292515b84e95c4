import type { AgentRun, BenchResult } from './bench.ts';

/** The issue's targets for the default configuration: 10,000 tenants at 60 s on one core. */
export const TARGETS = Object.freeze({
  coreShare: 0.25,
  peakRssBytes: 512 * 1024 * 1024,
  lagP99Ms: 1000,
  overheadRatio: 1.5,
});

/** The numbers of one run that the table shows. */
export interface RunFigures {
  tenants: number;
  serviceStatus: boolean;
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
    serviceStatus: run.serviceStatus,
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

/** The results as a Markdown table, one row per agent run, then the check process's cost. */
export function formatResults(result: BenchResult, intervalMs: number): string {
  const rows = result.runs.map(figuresOf);
  const lines = [
    `Poll and export interval ${intervalMs / 1000} s; figures over the steady window (the intervals after the warm-up).`,
    '',
    '| tenants | m365.service.status | agent CPU s / 1,000 polls | baseline CPU s / 1,000 polls | overhead ratio | share of one core (agent / baseline) | peak RSS (agent / baseline) | OTLP bytes / export | OTLP bytes / tenant | series | lag p50 / p99 | polls | unchanged / failed |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${num(r.tenants)} | ${r.serviceStatus ? 'on' : 'off'} | ${r.agentCpuPer1000.toFixed(3)} | ${r.baselineCpuPer1000.toFixed(3)} | ` +
        `**${r.overheadRatio.toFixed(2)}** | ${pct(r.coreShare)} / ${pct(r.baselineCoreShare)} | ${mb(r.peakRssBytes)} / ${mb(r.baselinePeakRssBytes)} | ` +
        `${mb(r.exportBytes)} | ${kb(r.exportBytes / r.tenants)} | ${num(r.series)} | ${ms(r.lagP50Ms)} / ${ms(r.lagP99Ms)} ms | ${num(r.polls)} | ${pct(r.unchanged / r.polls)} / ${num(r.failed)} |`,
    ),
  ];
  lines.push(
    '',
    `The simulator, in its own process, used ${rows.map((r) => `${pct(r.simulatorCoreShare)} (${num(r.tenants)}, ${r.serviceStatus ? 'on' : 'off'})`).join(', ')} of a core serving both.`,
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
        `(${num(agent?.tenants ?? 0)} tenants, state set ${agent?.serviceStatus ? 'on' : 'off'}).`,
    );
  }
  return lines.join('\n');
}

/** Which targets a run misses (empty when it meets them all). */
export function missedTargets(figures: RunFigures): string[] {
  const missed: string[] = [];
  if (figures.coreShare > TARGETS.coreShare)
    missed.push(`core share ${pct(figures.coreShare)} > ${pct(TARGETS.coreShare)}`);
  if (figures.peakRssBytes > TARGETS.peakRssBytes)
    missed.push(`peak RSS ${mb(figures.peakRssBytes)} > ${mb(TARGETS.peakRssBytes)}`);
  if (figures.lagP99Ms > TARGETS.lagP99Ms) missed.push(`lag p99 ${ms(figures.lagP99Ms)} ms > ${TARGETS.lagP99Ms} ms`);
  if (figures.overheadRatio > TARGETS.overheadRatio)
    missed.push(`overhead ratio ${figures.overheadRatio.toFixed(2)} > ${TARGETS.overheadRatio}`);
  return missed;
}
