/**
 * `npm run bench`: the agent polling N simulated tenants against a baseline doing only the HTTP calls.
 *
 *   node bench/run-bench.ts [--tenants 1000,10000] [--interval 60] [--intervals 4] [--warmup 1] [--status both|on|off]
 *                           [--vary both|on|off] [--check-runs 10] [--write bench/results.md] [--json FILE]
 *                           [--cpu-prof DIR] [--quick]
 *
 * Without `--tenants` or `--quick`, the rows of the results file ({@link FULL_ROWS}); with it, every combination of
 * the tenant counts, `--status` (default off) and `--vary` (answers that differ in bytes at every poll, default off).
 * `--quick`: 200 tenants, 5 s interval, 6 intervals of which 2 warm up, the state set off, stable and varied answers,
 * no check processes; exits with status 1 when a poll failed or the overhead ratio is past its target (a gate to run
 * by hand on a quiet machine: a timing gate in `npm test` would fail whenever the machine is busy).
 * `--write` replaces the generated block of a results file, keeping the text around it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runBench, type BenchOptions, type BenchResult, type BenchRow } from './bench.ts';
import { figuresOf, formatResults, rowName, targetsOf } from './format-results.ts';

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

const MINUTE = 60_000;

/**
 * The rows of `npm run bench` (about 30 minutes): the default telemetry at 1,000 and 10,000 tenants a minute, the
 * state set on at 10,000, answers that are never byte for byte the last ones at 10,000, and 50,000 tenants every 5
 * minutes (one interval of warm-up, one measured).
 */
const FULL_ROWS: readonly BenchRow[] = [
  { tenants: 1000, intervalMs: MINUTE, intervals: 4, serviceStatus: false, varyAnswers: false },
  { tenants: 10_000, intervalMs: MINUTE, intervals: 4, serviceStatus: false, varyAnswers: false },
  { tenants: 10_000, intervalMs: MINUTE, intervals: 4, serviceStatus: true, varyAnswers: false },
  { tenants: 10_000, intervalMs: MINUTE, intervals: 4, serviceStatus: false, varyAnswers: true },
  { tenants: 50_000, intervalMs: 5 * MINUTE, intervals: 2, serviceStatus: false, varyAnswers: false },
];

const both = (value: string | undefined, fallback: string) =>
  (value ?? fallback) === 'both' ? [false, true] : [(value ?? fallback) === 'on'];

function rowsFrom(values: Record<string, string | boolean | undefined>, quick: boolean): BenchRow[] {
  const text = (key: string) => values[key] as string | undefined;
  const intervals = text('intervals') === undefined ? undefined : Number(text('intervals'));
  const warmup = text('warmup') === undefined ? (quick ? 2 : undefined) : Number(text('warmup'));
  if (text('tenants') === undefined && !quick)
    return FULL_ROWS.map((row) => ({ ...row, intervals: intervals ?? row.intervals, warmup: warmup ?? row.warmup }));
  const rows: BenchRow[] = [];
  for (const tenants of (text('tenants') ?? '200').split(',').map(Number))
    for (const serviceStatus of both(text('status'), 'off'))
      for (const varyAnswers of both(text('vary'), quick ? 'both' : 'off'))
        rows.push({
          tenants,
          intervalMs: Number(text('interval') ?? (quick ? '5' : '60')) * 1000,
          intervals: intervals ?? (quick ? 6 : 4),
          warmup,
          serviceStatus,
          varyAnswers,
        });
  return rows;
}

function optionsFrom(argv: string[]): BenchOptions & { write?: string; json?: string; quick: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenants: { type: 'string' },
      interval: { type: 'string' },
      intervals: { type: 'string' },
      warmup: { type: 'string' },
      status: { type: 'string' },
      vary: { type: 'string' },
      'check-runs': { type: 'string' },
      write: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const quick = values.quick === true;
  return {
    rows: rowsFrom(values, quick),
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

function summary(result: BenchResult): string {
  return [`Machine: ${machine()}.`, '', formatResults(result)].join('\n');
}

const options = optionsFrom(process.argv.slice(2));
const result = await runBench(options);
const text = summary(result);
process.stdout.write(`${text}\n`);
if (options.write) await writeBlock(options.write, text);
if (options.json)
  await writeFile(
    options.json,
    JSON.stringify(result, (_k, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v), 2),
  );
if (options.quick) {
  const failures = result.runs.map(figuresOf).flatMap((f) => [
    ...(f.warmupFailed > 0 ? [`${rowName(f)}: ${f.warmupFailed} polls failed in the warm-up`] : []),
    ...(f.failed > 0 ? [`${rowName(f)}: ${f.failed} polls failed`] : []),
    ...targetsOf(f)
      .filter((t) => t.what === 'overhead ratio' && !t.met)
      .map((t) => `${rowName(f)}: overhead ratio ${t.result} is past the target (${t.bound})`),
  ]);
  for (const failure of failures) process.stderr.write(`bench:quick: ${failure}\n`);
  if (failures.length > 0) process.exitCode = 1;
}
