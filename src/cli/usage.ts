import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { createLog, LOG_LEVELS, type Log, type LogLevel } from '../log.ts';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.ts';

/** The top-level help text. */
export const USAGE = `m365-health: Microsoft 365 service health as OpenTelemetry metrics and events

Usage:
  m365-health demo [--otlp-endpoint URL]          simulator + agent, live in the terminal
  m365-health run --config FILE [--shard N/M] [--once]
                                                  poll the configured tenants, export over OTLP
  m365-health validate --config FILE              check a config file, list every problem
  m365-health check --tenant=ID --client-id=ID --client-secret=S [options]
                                                  one Nagios/Centreon check
  m365-health list-services --tenant=ID ...       list a tenant's services
  m365-health simulate [--scenario FILE] [--port N] [--host H]
                                                  run the tenant simulator
  m365-health --version | --help

Run 'm365-health COMMAND --help' for the options of a command.
`;

const LOG_OPTIONS = `  --log-level LEVEL     debug, info, warn or error (default %LEVEL%; M365_HEALTH_LOG_LEVEL)
  --log-format FORMAT   text (default) or json, one line per record on stderr`;

/** The help text of each command but `check` and `list-services` (which speak the Centreon plugin's language). */
export const COMMAND_USAGE = Object.freeze({
  run: `m365-health run: poll the configured tenants and export their health over OTLP

Usage: m365-health run --config FILE [--shard N/M] [--once] [--log-level LEVEL] [--log-format FORMAT]

  -c, --config FILE     the YAML configuration (see config/example-*.yaml); reloaded on SIGHUP and when it changes
  --shard N/M           poll only share N of M (0-based; default M365_HEALTH_SHARD, or the pod name with
                        M365_HEALTH_SHARD_COUNT)
  --once                poll every tenant once, export, exit: 1 when the telemetry was not delivered
${LOG_OPTIONS.replace('%LEVEL%', 'info')}
  -h, --help            this help

Exit status: 0 stopped by SIGTERM/SIGINT (telemetry flushed within 10 s), 1 (--once) not delivered, 2 configuration
error.
`,
  validate: `m365-health validate: check a configuration file and list every problem, with its YAML path and line

Usage: m365-health validate --config FILE

  -c, --config FILE     the YAML configuration, with its tenants_from files and the \${env:…}/\${file:…} it reads
  -h, --help            this help

Variables and files are read as 'run' will read them: set the variables first. Exit status: 0 valid (warnings on
stderr), 2 problems (each on stderr).
`,
  demo: `m365-health demo: the built-in simulator of two tenants and the agent polling it, live in the terminal

Usage: m365-health demo [options]

  --otlp-endpoint URL   also send the telemetry to this collector (e.g. http://localhost:4318)
  --protocol P          http/protobuf (default) or http/json
  --interval DURATION   poll and export interval (default 5s, at least 1s)
  --scenario FILE       the simulator's scenario (default config/scenarios/demo.yaml)
  --port N              the simulator's port (default: any free one)
  --status-port N       the status page's port (default: any free one)
  --no-color            plain text (also when NO_COLOR is set or stdout is not a terminal)
${LOG_OPTIONS.replace('%LEVEL%', 'warn')}
  -h, --help            this help

Ctrl-C stops it.
`,
  simulate: `m365-health simulate: run the stand-in Microsoft tenant (login endpoint and Graph) until stopped

Usage: m365-health simulate [--scenario FILE] [--host H] [--port N]

  -s, --scenario FILE   the YAML scenario (default config/scenarios/demo.yaml; see config/scenarios/README.md)
  --host H              the address to listen on (default 127.0.0.1)
  -p, --port N          the port (default 8080; 0 for any free one)
  -h, --help            this help
`,
});

/** What `parseArgs` makes of `options`. */
type OptionValues<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: T }>>['values'];

/**
 * Parses the command line of `command` (every command but `check`, whose options are the Centreon plugin's) and
 * reads its values with `read`: `-h`/`--help` prints the command's help (exit 0); an unknown option, a missing value
 * or an error thrown by `read` prints a usage error that points at the help (exit 2). Returns that exit status, or
 * what `read` made of the values.
 */
export function parseCommandLine<T extends ParseArgsOptionsConfig, R extends object>(
  command: keyof typeof COMMAND_USAGE,
  argv: readonly string[],
  io: CliIo,
  options: T,
  read: (values: OptionValues<T>) => R,
): R | number {
  try {
    const { values } = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } } });
    if ((values as { help?: boolean }).help === true) {
      io.stdout(COMMAND_USAGE[command]);
      return EXIT_OK;
    }
    return read(values);
  } catch (error) {
    return usageError(io, error, command);
  }
}

/** Prints a usage error and returns the usage exit status. */
export function usageError(io: CliIo, error: unknown, command: string): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`m365-health ${command}: ${message}\nRun 'm365-health ${command} --help' for usage.\n`);
  return EXIT_USAGE;
}

/** Parses `--log-level` and `--log-format` into a log on stderr. */
export function createCliLog(io: CliIo, level: string | undefined, format: string | undefined): Log {
  const chosen = (level ?? io.env.M365_HEALTH_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(chosen)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  if (format !== undefined && format !== 'text' && format !== 'json')
    throw new Error('--log-format must be text or json');
  return createLog({
    level: chosen,
    format: format ?? 'text',
    write: (line) => io.stderr(`${line}\n`),
    clock: Date.now,
  });
}
