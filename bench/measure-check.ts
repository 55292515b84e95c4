import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readChildrenCpuSeconds } from './proc-stats.ts';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, benchTenantId } from './scenario.ts';

const BIN = fileURLToPath(new URL('../bin/m365-health.js', import.meta.url));

/** The cost of the Nagios/Centreon way: one `m365-health check` process per tenant per interval. */
export interface CheckMeasurement {
  runs: number;
  /** Mean user + system CPU of one check process, seconds (token cached in its state file, as on a poller). */
  cpuSecondsPerRun: number;
  wallSecondsPerRun: number;
  /** First line of the last run's output. */
  output: string;
}

async function runCheck(url: string, statefileDir: string): Promise<string> {
  const args = [
    BIN,
    'check',
    `--tenant=${benchTenantId(0)}`,
    `--client-id=${BENCH_CLIENT_ID}`,
    `--client-secret=${BENCH_CLIENT_SECRET}`,
    `--login-endpoint=${url}`,
    `--graph-endpoint=${url}`,
    `--statefile-dir=${statefileDir}`,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await once(child, 'exit');
  if (output.startsWith('UNKNOWN')) throw new Error(`check failed: ${output}`);
  return output.split('\n')[0];
}

/**
 * Runs `m365-health check` against the simulator `runs` times, one after the other, after one run that fills the
 * token cache; measures the CPU of the finished children (`cutime` + `cstime` of this process). No other child of
 * this process may exit meanwhile.
 */
export async function measureCheck(url: string, runs: number): Promise<CheckMeasurement> {
  const dir = await mkdtemp(join(tmpdir(), 'm365-bench-check-'));
  try {
    await runCheck(url, dir);
    const cpuBefore = readChildrenCpuSeconds('self');
    const started = Date.now();
    let output = '';
    for (let i = 0; i < runs; i++) output = await runCheck(url, dir);
    const cpu = readChildrenCpuSeconds('self') - cpuBefore;
    return { runs, cpuSecondsPerRun: cpu / runs, wallSecondsPerRun: (Date.now() - started) / 1000 / runs, output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
