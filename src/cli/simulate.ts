import { parseArgs } from 'node:util';
import { DEFAULT_SCENARIO_URL, formatSimulatorBanner, runSimulatorFromFile } from '../simulator/index.ts';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.ts';
import { COMMAND_USAGE, HELP_OPTION, usageError } from './usage.ts';

/** Parses a TCP port argument. */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer from 0 to 65535, got '${text}'`);
  return port;
}

/** `m365-health simulate [--scenario FILE] [--host H] [--port N]`: runs the tenant simulator until stopped. */
export async function simulateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let scenario: string;
  let host: string;
  let port: number;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string', short: 's' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        ...HELP_OPTION,
      },
    });
    if (values.help) {
      io.stdout(COMMAND_USAGE.simulate);
      return EXIT_OK;
    }
    scenario = values.scenario ?? DEFAULT_SCENARIO_URL.pathname;
    host = values.host ?? '127.0.0.1';
    port = parsePort(values.port, 8080);
  } catch (error) {
    return usageError(io, error, 'simulate');
  }
  let simulator;
  try {
    simulator = await runSimulatorFromFile(scenario, { host, port });
  } catch (error) {
    io.stderr(`m365-health simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  io.stdout(`${formatSimulatorBanner(simulator)}\n`);
  await io.stopRequested;
  await simulator.close();
  return EXIT_OK;
}
