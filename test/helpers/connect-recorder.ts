import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a client asked the recording proxy. */
export interface ProxyAttempt {
  /** `CONNECT` target (`login.microsoftonline.us:443`) or the absolute URI of a plain request. */
  readonly target: string;
  readonly method: string;
  /** The `Proxy-Authorization` header, if any. */
  readonly authorization: string | undefined;
}

/** An HTTP proxy that records what it is asked and connects nowhere. */
export interface ConnectRecorder {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly attempts: readonly ProxyAttempt[];
  close(): Promise<void>;
}

/**
 * Starts (port 0) an HTTP proxy that records every `CONNECT host:port` and absolute-URI request, then refuses it
 * (`403`), so that a test sees which hosts a client would reach without reaching any.
 */
export async function startConnectRecorder(): Promise<ConnectRecorder> {
  const attempts: ProxyAttempt[] = [];
  const server: Server = createServer((req, res) => {
    attempts.push({
      target: req.url ?? '',
      method: req.method ?? '',
      authorization: req.headers['proxy-authorization'],
    });
    res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end('refused by the test proxy');
  });
  server.on('connect', (req, socket) => {
    attempts.push({ target: req.url ?? '', method: 'CONNECT', authorization: req.headers['proxy-authorization'] });
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
