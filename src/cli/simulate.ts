import {
  DEFAULT_SCENARIO_URL,
  formatSimulatorBanner,
  runSimulatorFromFile,
  type Simulator,
} from '../simulator/index.ts';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.ts';
import { parseCommandLine } from './usage.ts';

/** Parses a TCP port argument. */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer from 0 to 65535, got '${text}'`);
  return port;
}

/**
 * Starts the simulator on the scenario file (the demo's by default) and prints its banner; a scenario that cannot
 * be loaded or an address that cannot be listened on is told in one line instead (undefined).
 */
export async function openSimulator(
  command: 'simulate' | 'demo',
  scenario: string | undefined,
  options: { host?: string; port: number },
  io: CliIo,
): Promise<Simulator | undefined> {
  try {
    const simulator = await runSimulatorFromFile(scenario ?? DEFAULT_SCENARIO_URL.pathname, options);
    io.stdout(`${formatSimulatorBanner(simulator)}\n`);
    return simulator;
  } catch (error) {
    io.stderr(`m365-health ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}

const SIMULATE_OPTIONS = {
  scenario: { type: 'string', short: 's' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
} as const;

/** `m365-health simulate [--scenario FILE] [--host H] [--port N]`: runs the tenant simulator until stopped. */
export async function simulateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('simulate', argv, io, SIMULATE_OPTIONS, (values) => ({
    scenario: values.scenario,
    host: values.host ?? '127.0.0.1',
    port: parsePort(values.port, 8080),
  }));
  if (typeof parsed === 'number') return parsed;
  const simulator = await openSimulator('simulate', parsed.scenario, parsed, io);
  if (!simulator) return EXIT_USAGE;
  await io.stopRequested;
  await simulator.close();
  return EXIT_OK;
}
