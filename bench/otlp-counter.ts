import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { countLogRecords, countMetricPoints } from './count-otlp.ts';

/** One metrics export as received: its size on the wire and its data points per metric. */
export interface MetricExport {
  readonly at: number;
  readonly bytes: number;
  readonly points: ReadonlyMap<string, number>;
}

/** A bench OTLP/HTTP receiver (protobuf only) that keeps counts, never the data. */
export interface OtlpCounter {
  readonly url: string;
  readonly metricExports: readonly MetricExport[];
  /** Log records (events) and bytes received on `/v1/logs`. */
  readonly logs: { records: number; bytes: number; requests: number };
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the receiver on a free loopback port. */
export async function startOtlpCounter(): Promise<OtlpCounter> {
  const metricExports: MetricExport[] = [];
  const logs = { records: 0, bytes: 0, requests: 0 };
  const server = createServer((req, res) => {
    readAll(req)
      .then((wire) => {
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
        if (req.url === '/v1/metrics')
          metricExports.push({ at: Date.now(), bytes: wire.length, points: countMetricPoints(body) });
        else if (req.url === '/v1/logs') {
          logs.records += countLogRecords(body);
          logs.bytes += wire.length;
          logs.requests++;
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      })
      .catch(() => {
        res.writeHead(400);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    metricExports,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
