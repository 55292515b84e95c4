/**
 * Sign-in cost, in requests to the login endpoint and tokens per second, for the two ways m365-health signs in:
 *
 * - the agent's start: `buildAgent` on a configuration of N tenants (written as the bench writes it), then one poll of
 *   every tenant (`pollAll`), each signing in first; timed from the start of `pollAll` to its end;
 * - `check`: runs of the command (`runPluginCommand`, in this process) one after the other, each with an empty token
 *   cache, so that each signs in; timed from the first run's start to the last one's end.
 *
 * The simulator serving the N tenants runs in a process of its own. Requests are counted by a `fetch` that wraps
 * Node's, given to both as their HTTP client: the login endpoint's (`/oauth2/v2.0/token`, discovery documents) apart
 * from Graph's. Prints one JSON object. Usage: `node bench/measure-sign-in.ts [TENANTS] [CHECK_RUNS] [REPEATS]`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAgent } from '../src/agent/build-agent.ts';
import { runPluginCommand } from '../src/cli/check.ts';
import type { CliIo } from '../src/cli/io.ts';
import { loadConfig } from '../src/config/index.ts';
import { SILENT_LOG } from '../src/log.ts';
import { createTelemetrySdk } from '../src/telemetry/sdk.ts';
import { SECRET_VARIABLE, writeAgentConfig } from './config-file.ts';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, benchTenantId } from './scenario.ts';

const [tenants, checkRuns, repeats] = process.argv.slice(2).map(Number) as [number?, number?, number?];

/** Requests by kind, counted as they are sent. */
interface Counts {
  discovery: number;
  token: number;
  graph: number;
}

function countingFetch(counts: Counts): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/.well-known/openid-configuration')) counts.discovery++;
    else if (url.includes('/oauth2/v2.0/token')) counts.token++;
    else counts.graph++;
    return fetch(input, init);
  };
}

/** What one measurement found: tokens obtained per second, and requests to the login endpoint per token. */
interface SignInMeasurement {
  readonly tokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  readonly loginRequestsPerToken: number;
  readonly counts: Counts;
}

function summarize(tokens: number, ms: number, counts: Counts): SignInMeasurement {
  const seconds = ms / 1000;
  return {
    tokens,
    seconds: Math.round(seconds * 1000) / 1000,
    tokensPerSecond: Math.round((tokens / seconds) * 10) / 10,
    loginRequestsPerToken: (counts.discovery + counts.token) / tokens,
    counts: { ...counts },
  };
}

async function measureAgentStart(url: string, count: number): Promise<SignInMeasurement> {
  const dir = await mkdtemp(join(tmpdir(), 'm365-sign-in-'));
  try {
    const file = await writeAgentConfig({
      dir,
      simulatorUrl: url,
      receiverUrl: 'http://127.0.0.1:9',
      tenants: count,
      intervalMs: 60_000,
      serviceStatus: true,
    });
    const loaded = await loadConfig(file, { [SECRET_VARIABLE]: BENCH_CLIENT_SECRET });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'bench',
      serviceVersion: 'bench',
      resource: {},
    });
    const counts: Counts = { discovery: 0, token: 0, graph: 0 };
    const { agent } = await buildAgent(loaded.config, {
      telemetry,
      log: SILENT_LOG,
      fetch: countingFetch(counts),
      env: {},
    });
    const started = performance.now();
    await agent.pollAll();
    const elapsed = performance.now() - started;
    const failed = agent.observations().flatMap(({ outcome }) => (outcome?.ok === false ? [outcome.error] : []));
    await agent.stop();
    await telemetry.shutdown(1000);
    if (failed.length > 0) throw new Error(`${failed.length} tenants failed: ${failed[0].message}`);
    return summarize(count, elapsed, counts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureCheckRuns(url: string, runs: number): Promise<SignInMeasurement> {
  const counts: Counts = { discovery: 0, token: 0, graph: 0 };
  const dirs = await Promise.all(Array.from({ length: runs }, () => mkdtemp(join(tmpdir(), 'm365-sign-in-check-'))));
  try {
    const started = performance.now();
    for (const [index, dir] of dirs.entries()) {
      const out: string[] = [];
      const io: CliIo = {
        stdout: (text) => void out.push(text),
        stderr: () => undefined,
        env: {},
        stopRequested: new Promise(() => undefined),
        cwd: dir,
      };
      const argv = [
        `--tenant=${benchTenantId(index % 1000)}`,
        `--client-id=${BENCH_CLIENT_ID}`,
        `--client-secret=${BENCH_CLIENT_SECRET}`,
        `--login-endpoint=${url}`,
        `--graph-endpoint=${url}`,
        `--statefile-dir=${dir}`,
      ];
      await runPluginCommand(argv, io, 'service-status', { fetch: countingFetch(counts), sharedStatefileDirs: [] });
      if (out.join('').startsWith('UNKNOWN')) throw new Error(`check failed: ${out.join('')}`);
    }
    return summarize(runs, performance.now() - started, counts);
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

const count = tenants ?? 1000;
const simulator = spawn(
  process.execPath,
  [fileURLToPath(new URL('./simulator-process.ts', import.meta.url)), String(count)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const [line] = (await once(simulator.stdout, 'data')) as [Buffer];
  const { url } = JSON.parse(line.toString()) as { url: string };
  const results = [];
  for (let repeat = 0; repeat < (repeats ?? 3); repeat++) {
    results.push({
      agentStart: await measureAgentStart(url, count),
      check: await measureCheckRuns(url, checkRuns ?? 50),
    });
  }
  process.stdout.write(`${JSON.stringify({ tenants: count, results }, null, 2)}\n`);
} finally {
  simulator.kill('SIGTERM');
}
