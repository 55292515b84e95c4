/** What a command may touch of the process: its streams, environment and termination signals. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
  stopRequested: Promise<string>;
  /** Calls `listener` whenever the process is asked to reload its configuration (SIGHUP); returns the unsubscribe. */
  reloadRequested?: (listener: () => void) => () => void;
  cwd: string;
}

/** Exit statuses of the agent's commands (the check command uses the plugin's 0–3). */
export const EXIT_OK = 0;
/** `run --once` ran, but its telemetry was not delivered (each failure is printed). */
export const EXIT_UNDELIVERED = 1;
export const EXIT_USAGE = 2;

/** From SIGTERM or SIGINT to the exit of the process, whatever the collector does (documented in docs/reliability.md). */
export const STOP_BOUND_MS = 10_000;

/** A command line front end: parses its own arguments, returns the exit status. */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;
