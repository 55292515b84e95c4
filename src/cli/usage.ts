import { EXIT_USAGE, type CliIo } from './io.ts';

/** The top-level help text. */
export const USAGE = `m365-health: Microsoft 365 service health as OpenTelemetry metrics and events

Usage:
  m365-health demo [--otlp-endpoint URL]          simulator + agent, live in the terminal
  m365-health run --config FILE [--shard N/M] [--once]
                                                  poll the configured tenants, export over OTLP
  m365-health validate --config FILE              check a config file, list every problem
  m365-health check --tenant=ID --client-id=ID --client-secret=S [options]
                                                  one Nagios/Centreon check (see check --help)
  m365-health list-services --tenant=ID ...       list a tenant's services
  m365-health simulate [--scenario FILE] [--port N] [--host H]
                                                  run the tenant simulator
  m365-health --version | --help
`;

/** Prints a usage error and returns the usage exit status. */
export function usageError(io: CliIo, error: unknown, command: string): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`m365-health ${command}: ${message}\nRun 'm365-health --help' for usage.\n`);
  return EXIT_USAGE;
}
