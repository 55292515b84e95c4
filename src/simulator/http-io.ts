import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The origin the client used (from its Host header), so that issuer, endpoints and next links match what it
 * called whether it said `localhost`, `127.0.0.1` or a container name; `fallback` when the header is odd.
 */
export function originOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && SAFE_HOST.test(host) ? `http://${host}` : fallback;
}

/** Reads a request body as text, up to 64 KiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON answer with an explicit length; `headers` may name another JSON content type. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  sendText(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** Sends a text answer with an explicit length. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}
