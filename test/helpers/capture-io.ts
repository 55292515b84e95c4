import type { CliIo } from '../../src/cli/io.ts';

/** A command's standard streams, collected, for a command run in-process; no stop is ever asked for. */
export interface CapturedIo {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** The {@link CliIo} of a command run in-process from `cwd` with `env`, its output kept. */
export function captureIo(cwd: string, env: Record<string, string> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env,
      stopRequested: new Promise(() => undefined),
      cwd,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
