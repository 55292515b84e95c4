import { EXIT_USAGE, type CliIo, type Command } from './cli/io.ts';
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

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });
}

/** Subscribes to SIGHUP. While a listener is subscribed, SIGHUP no longer ends the process. */
function onReloadSignal(listener: () => void): () => void {
  process.on('SIGHUP', listener);
  return () => void process.off('SIGHUP', listener);
}

/** The process edge: the only place that exits. */
export async function runMain(): Promise<void> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stopRequested: stopSignal(),
    reloadRequested: onReloadSignal,
    cwd: process.cwd(),
  };
  const status = await main(process.argv.slice(2), io);
  process.exitCode = status;
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(status);
}
