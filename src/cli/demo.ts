import { parseArgs } from 'node:util';
import { parseDuration } from '../config/index.ts';
import type { ExporterConfig } from '../config/types.ts';
import { DEFAULT_SCENARIO_URL, formatSimulatorBanner, runSimulatorFromFile } from '../simulator/index.ts';
import { buildDemoConfig } from './demo/demo-config.ts';
import { createTerminalView } from './demo/terminal-view.ts';
import type { CliIo } from './io.ts';
import { runAgent } from './run-agent.ts';
import { parsePort } from './simulate.ts';
import { COMMAND_USAGE, createCliLog, HELP_OPTION, usageError } from './usage.ts';

const DEMO_INTERVAL_MS = 5000;

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
  let values;
  let intervalMs: number;
  let port: number;
  let statusPort: number;
  let log;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string' },
        port: { type: 'string' },
        'status-port': { type: 'string' },
        interval: { type: 'string' },
        'otlp-endpoint': { type: 'string' },
        protocol: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'no-color': { type: 'boolean' },
        ...HELP_OPTION,
      },
    }));
    if (values.help) {
      io.stdout(COMMAND_USAGE.demo);
      return 0;
    }
    intervalMs = values.interval === undefined ? DEMO_INTERVAL_MS : (parseDuration(values.interval) ?? Number.NaN);
    if (!(intervalMs >= 1000))
      throw new Error(`--interval must be a duration of at least 1s, like 5s, got '${values.interval}'`);
    port = parsePort(values.port, 0);
    statusPort = parsePort(values['status-port'], 0);
    log = createCliLog(io, values['log-level'] ?? 'warn', values['log-format']);
  } catch (error) {
    return usageError(io, error, 'demo');
  }
  const simulator = await runSimulatorFromFile(values.scenario ?? DEFAULT_SCENARIO_URL.pathname, { port });
  io.stdout(`${formatSimulatorBanner(simulator)}\n\n`);
  const exporter = demoExporter(values['otlp-endpoint'], values.protocol, intervalMs);
  const config = buildDemoConfig({
    simulatorUrl: simulator.url,
    scenario: simulator.scenario,
    intervalMs,
    exporter,
    statusPort,
  });
  const colour = !values['no-color'] && io.env.NO_COLOR === undefined && process.stdout.isTTY === true;
  const where = values['otlp-endpoint']
    ? `and to ${exporter.endpoint} over OTLP (${exporter.protocol})`
    : '(add --otlp-endpoint URL to send them to a collector too)';
  io.stdout(
    `Agent polling ${config.tenants.length} tenants every ${intervalMs / 1000} s; gauges and events below ${where}. Ctrl-C stops.\n\n`,
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
      },
      onServer: (url) => io.stdout(`Status page: ${url}/  (JSON: ${url}/status)\n\n`),
    });
  } finally {
    await simulator.close();
  }
}
