import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./forward-proxy.ts', import.meta.url));

/** The forward proxy of `forward-proxy.ts`, running in a child process. */
export interface ForwardProxyProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `METHOD URL STATUS`, one per request forwarded or refused, oldest first. */
  readonly lines: readonly string[];
  stop(): Promise<void>;
}

/** Starts the proxy with the running Node and resolves once it listens. */
export async function startForwardProxy(): Promise<ForwardProxyProcess> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout! });
    reader.on('line', (line) => {
      const listening = /^listening (\d+)$/.exec(line);
      if (listening) resolve(Number(listening[1]));
      else lines.push(line);
    });
    child.once('exit', (code) => reject(new Error(`forward proxy exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    lines,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
