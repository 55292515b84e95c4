import { M365Error } from '../errors.ts';

/** `host:port` as written in `server.listen` (`[::1]:13133` for IPv6 literals). */
export function formatListenAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function explain(code: unknown, port: number): string | undefined {
  switch (code) {
    case 'EADDRINUSE':
      return 'the address is already in use';
    case 'EACCES':
      return port < 1024 ? 'permission denied (ports below 1024 need privileges)' : 'permission denied';
    case 'EADDRNOTAVAIL':
      return "the address is not one of this host's";
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return 'the host name does not resolve';
    default:
      return undefined;
  }
}

/** Maps an error of `server.listen` into `LISTEN_FAILED`, naming the address and what to fix. */
export function toListenError(error: unknown, host: string, port: number): M365Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = explain(code, port) ?? (error instanceof Error ? error.message : String(error));
  const suffix = typeof code === 'string' ? ` (${code})` : '';
  return new M365Error('LISTEN_FAILED', `cannot listen on ${formatListenAddress(host, port)}: ${reason}${suffix}`, {
    cause: error,
  });
}
