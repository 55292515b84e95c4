import { parseDuration } from '../config/index.ts';
import type { ExporterConfig } from '../config/types.ts';
import type { ExportChange } from '../telemetry/export-watch.ts';
import { buildDemoConfig } from './demo/demo-config.ts';
import { createTerminalView } from './demo/terminal-view.ts';
import { EXIT_USAGE, type CliIo } from './io.ts';
import { runAgent } from './run-agent.ts';
import { openSimulator, parsePort } from './simulate.ts';
import { createCliLog, parseCommandLine } from './usage.ts';

const DEMO_INTERVAL_MS = 5000;

const DEMO_OPTIONS = {
  scenario: { type: 'string' },
  port: { type: 'string' },
  'status-port': { type: 'string' },
  interval: { type: 'string' },
  'otlp-endpoint': { type: 'string' },
  protocol: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  'no-color': { type: 'boolean' },
} as const;

function demoExporter(endpoint: string | undefined, protocol: string | undefined, intervalMs: number): ExporterConfig {
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new Error(`--protocol must be http/protobuf or http/json, got '${protocol}'`);
  }
  return {
    endpoint: (endpoint ?? 'http://localhost:4318').replace(/\/+$/, ''),
    protocol: protocol ?? 'http/protobuf',
    headers: {},
    intervalMs,
    timeoutMs: Math.min(intervalMs, 10_000),
    compression: 'none',
    temporality: 'cumulative',
  };
}

/**
 * `m365-health demo`: the built-in simulator plus the agent, showing the gauges and events live in the terminal;
 * with `--otlp-endpoint URL` the same telemetry also goes to a collector.
 */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('demo', argv, io, DEMO_OPTIONS, (values) => {
    const intervalMs =
      values.interval === undefined ? DEMO_INTERVAL_MS : (parseDuration(values.interval) ?? Number.NaN);
    if (!(intervalMs >= 1000))
      throw new Error(`--interval must be a duration of at least 1s, like 5s, got '${values.interval}'`);
    return {
      values,
      intervalMs,
      port: parsePort(values.port, 0),
      statusPort: parsePort(values['status-port'], 0),
      log: createCliLog(io, values['log-level'] ?? 'warn', values['log-format']),
      exporter: demoExporter(values['otlp-endpoint'], values.protocol, intervalMs),
    };
  });
  if (typeof parsed === 'number') return parsed;
  const { values, intervalMs, exporter, log } = parsed;
  const simulator = await openSimulator('demo', values.scenario, { port: parsed.port }, io);
  if (!simulator) return EXIT_USAGE;
  const config = buildDemoConfig({
    simulatorUrl: simulator.url,
    scenario: simulator.scenario,
    intervalMs,
    exporter,
    statusPort: parsed.statusPort,
  });
  const colour = !values['no-color'] && io.env.NO_COLOR === undefined && process.stdout.isTTY === true;
  const where = values['otlp-endpoint']
    ? `and to ${exporter.endpoint} over OTLP (${exporter.protocol})`
    : '(add --otlp-endpoint URL to send them to a collector too)';
  io.stdout(
    `\nAgent polling ${config.tenants.length} tenants every ${intervalMs / 1000} s; gauges and events below ${where}. Ctrl-C stops.\n\n`,
  );
  const view = createTerminalView((text) => io.stdout(text), colour);
  try {
    return await runAgent({
      config,
      log,
      io,
      exportOtlp: values['otlp-endpoint'] !== undefined,
      sinks: {
        metricExporters: [{ exporter: view.exporter, intervalMs }],
        processors: [view.printer],
        onExportChange: (change) => io.stdout(`${describeExportChange(change)}\n`),
      },
      onServer: (url) => io.stdout(`Status page: ${url}/  (JSON: ${url}/status)\n\n`),
    });
  } finally {
    await simulator.close();
  }
}

/** The one line the demo prints when a signal's exports start failing, or work again. */
export function describeExportChange(change: ExportChange): string {
  const { signal, url } = change.target;
  const name = signal === 'logs' ? 'events' : signal;
  if ('outageMs' in change)
    return `OTLP ${name} delivered to ${url} again, after ${Math.round(change.outageMs / 1000)} s of failures.`;
  const { status, error, reason, hint } = change.failure;
  const what = status === undefined ? String(error ?? reason) : `HTTP ${String(status)}`;
  const why = hint ?? reason;
  return `OTLP ${name} to ${url} failing (${what})${why === what ? '' : `: ${String(why)}`} (retrying; the view goes on)`;
}
