/**
 * A forward HTTP proxy for tests, run as its own process: `node test/helpers/forward-proxy.ts`. It forwards
 * absolute-URI requests (`GET http://127.0.0.1:PORT/path`, what a client sends to a proxy for a plain-http target) to
 * loopback hosts only, refuses CONNECT, prints `listening PORT` once, then one line per request: `METHOD URL STATUS`.
 * It never prints headers or bodies.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const server = createServer((req, res) => {
  const target = URL.parse(req.url ?? '');
  if (target === null || target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
    console.log(`${req.method} ${req.url} 403`);
    res.writeHead(403).end();
    return;
  }
  const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
  delete headers['proxy-authorization'];
  delete headers['proxy-connection'];
  const upstream = request(target, { method: req.method, headers }, (answer) => {
    console.log(`${req.method} ${target.href} ${answer.statusCode}`);
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    console.log(`${req.method} ${target.href} 502`);
    res.writeHead(502).end();
  });
  req.pipe(upstream);
});
server.on('connect', (req, socket) => {
  console.log(`CONNECT ${req.url} 403`);
  socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
