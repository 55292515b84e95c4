/**
 * `npm run bench`: the agent polling N simulated tenants against a baseline doing only the HTTP calls.
 *
 *   node bench/run-bench.ts [--tenants 1000,10000] [--interval 60] [--intervals 4] [--warmup 1] [--status both|on|off]
 *                           [--check-runs 10] [--write bench/results.md] [--json FILE] [--cpu-prof DIR] [--quick]
 *
 * `--quick`: 200 tenants, 5 s interval, 6 intervals of which 2 warm up, the state set off, no check processes; exits
 * with status 1 when a poll failed or the overhead ratio is past its target (a gate to run by hand on a quiet machine:
 * a timing gate in `npm test` would fail whenever the machine is busy).
 * `--write` replaces the generated block of a results file, keeping the text around it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runBench, type BenchOptions, type BenchResult } from './bench.ts';
import { figuresOf, formatResults, missedTargets, TARGETS } from './format-results.ts';

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

function optionsFrom(argv: string[]): BenchOptions & { write?: string; json?: string; quick: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenants: { type: 'string' },
      interval: { type: 'string' },
      intervals: { type: 'string' },
      warmup: { type: 'string' },
      status: { type: 'string' },
      'check-runs': { type: 'string' },
      write: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const quick = values.quick === true;
  const status = values.status ?? (quick ? 'off' : 'both');
  return {
    tenants: (values.tenants ?? (quick ? '200' : '1000,10000')).split(',').map(Number),
    intervalMs: Number(values.interval ?? (quick ? '5' : '60')) * 1000,
    intervals: Number(values.intervals ?? (quick ? '6' : '4')),
    warmup: Number(values.warmup ?? (quick ? '2' : '1')),
    serviceStatus: status === 'both' ? [true, false] : [status === 'on'],
    checkRuns: Number(values['check-runs'] ?? (quick ? '0' : '10')),
    cpuProfDir: values['cpu-prof'],
    write: values.write,
    json: values.json,
    quick,
    progress: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  };
}

function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${model}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

async function writeBlock(file: string, block: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => `${BEGIN}\n${END}\n`);
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} has no ${BEGIN} … ${END} block`);
  await writeFile(file, `${text.slice(0, start + BEGIN.length)}\n${block}\n${text.slice(end)}`);
}

function summary(result: BenchResult, intervalMs: number): string {
  const targets = result.runs
    .map(figuresOf)
    .map(
      (f) =>
        `- ${f.tenants} tenants, state set ${f.serviceStatus ? 'on' : 'off'}: ${missedTargets(f).join('; ') || 'meets every target'}`,
    );
  return [
    `Machine: ${machine()}.`,
    '',
    formatResults(result, intervalMs),
    '',
    'Against the targets:',
    '',
    ...targets,
  ].join('\n');
}

const options = optionsFrom(process.argv.slice(2));
const result = await runBench(options);
const text = summary(result, options.intervalMs);
process.stdout.write(`${text}\n`);
if (options.write) await writeBlock(options.write, text);
if (options.json)
  await writeFile(
    options.json,
    JSON.stringify(result, (_k, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v), 2),
  );
if (options.quick) {
  const failures = result.runs
    .map(figuresOf)
    .flatMap((f) => [
      ...(f.failed > 0 ? [`${f.failed} polls failed`] : []),
      ...(f.overheadRatio > TARGETS.overheadRatio
        ? [`overhead ratio ${f.overheadRatio.toFixed(2)} is past the target ${TARGETS.overheadRatio}`]
        : []),
    ]);
  for (const failure of failures) process.stderr.write(`bench:quick: ${failure}\n`);
  if (failures.length > 0) process.exitCode = 1;
}
