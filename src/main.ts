import { constants } from 'node:os';
import { EXIT_USAGE, STOP_BOUND_MS, type CliIo, type Command } from './cli/io.ts';
import { USAGE } from './cli/usage.ts';
import { VERSION } from './version.ts';

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./cli/run.ts')).runCommand,
  validate: async () => (await import('./cli/validate.ts')).validateCommand,
  check: async () => (await import('./cli/check.ts')).checkCommand,
  'list-services': async () => (await import('./cli/check.ts')).listServicesCommand,
  simulate: async () => (await import('./cli/simulate.ts')).simulateCommand,
  demo: async () => (await import('./cli/demo.ts')).demoCommand,
};

/** Dispatches argv to a command and returns its exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`m365-health: unknown command '${name}'\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return (await load())(rest, io);
}

/**
 * The first SIGTERM or SIGINT. A repeated SIGTERM (a supervisor and a wrapper both sending it) is the same request
 * and is ignored: the stop under way is bounded anyway. A second SIGINT (Ctrl-C again) ends the process at once.
 */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

/** Subscribes to SIGHUP. While a listener is subscribed, SIGHUP no longer ends the process. */
function onReloadSignal(listener: () => void): () => void {
  process.on('SIGHUP', listener);
  return () => void process.off('SIGHUP', listener);
}

/**
 * Once a stop is asked for, the process ends within {@link STOP_BOUND_MS} whatever the command does: a command that
 * has not returned by then (`run` always has) is cut short, saying so, with the status of a process the signal
 * ended (128 + its number: 143 for SIGTERM, 130 for SIGINT).
 */
function exitAtStopBound(stopRequested: Promise<string>): void {
  void stopRequested.then((signal) => {
    setTimeout(() => {
      process.stderr.write(`m365-health: not stopped within ${STOP_BOUND_MS / 1000} s of ${signal}; exiting\n`);
      process.exit(128 + (constants.signals[signal as NodeJS.Signals] ?? 0));
    }, STOP_BOUND_MS).unref();
  });
}

/** Resolves once what was written to stdout is flushed, or after `ms` (a reader that stopped reading). */
function flushStdout(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
    process.stdout.write('', () => resolve());
  });
}

/** How long an ended command waits for the event loop to drain by itself before it exits the hard way. */
const DRAIN_BEFORE_EXIT_MS = 250;

/**
 * Ends the process with `status` by letting the event loop drain: Node then tears V8's heap down before it joins
 * the compiler's background threads. `process.exit()` skips that teardown and can hang for ever when a background
 * compile waits for a collection only the main thread would run (nodejs/node#54918, seen here once in 17 stressed
 * runs of the reload test). Only what still holds the loop (a request to a collector that never answers, cut off by
 * the stop bound) makes it exit the hard way.
 */
function endWith(status: number): void {
  process.exitCode = status;
  setTimeout(() => process.exit(status), DRAIN_BEFORE_EXIT_MS).unref();
}

/** The process edge: the only place that exits. */
export async function runMain(): Promise<void> {
  const stopRequested = stopSignal();
  exitAtStopBound(stopRequested);
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stopRequested,
    reloadRequested: onReloadSignal,
    cwd: process.cwd(),
  };
  const status = await main(process.argv.slice(2), io);
  await flushStdout(500);
  endWith(status);
}
