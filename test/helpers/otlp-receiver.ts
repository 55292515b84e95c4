import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { ExporterConfig } from '../../src/config/types.ts';
import { decodeExportRequest, encodeMetricsResponse, flattenLogs, flattenMetrics } from './otlp-proto.ts';
import type { Attributes, LogRecord, MetricPoint, OtlpFormat, OtlpSignal, PartialSuccessAnswer } from './otlp-proto.ts';

export type { Attributes, AttrValue, LogRecord, MetricPoint } from './otlp-proto.ts';

/** An exporter of OTLP/protobuf to `receiver`, cumulative and uncompressed, every minute within 5 s. */
export function exporterTo(receiver: { readonly url: string }): ExporterConfig {
  return {
    endpoint: receiver.url,
    protocol: 'http/protobuf',
    headers: {},
    intervalMs: 60_000,
    timeoutMs: 5_000,
    compression: 'none',
    temporality: 'cumulative',
  };
}

/** One HTTP request as it arrived, whatever its outcome. */
export interface ReceivedRequest {
  path: string;
  contentType: string;
  /** `Content-Encoding` header, `''` when absent. */
  encoding: string;
  /** Body size on the wire (before decompression). */
  bytes: number;
  /** Status the receiver answered with. */
  status: number;
  /** Over HTTPS: the subject CN of the client certificate presented, `''` when none. */
  clientCertificate?: string;
}

/** Where the receiver listens, and over HTTPS with `tls`. */
export interface OtlpReceiverOptions {
  host?: string;
  port?: number;
  /** Serve HTTPS with this PEM key and certificate; with `ca`, ask for a client certificate and require one signed by it. */
  tls?: { key: string; cert: string; ca?: string };
  /** Paths taken for a signal besides `/v1/metrics` and `/v1/logs`, as a collector behind a proxy may have. */
  paths?: Readonly<Record<string, OtlpSignal>>;
}

/** An in-process OTLP/HTTP receiver for `/v1/metrics` and `/v1/logs`. */
export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; append `/v1/metrics` or `/v1/logs` for exporters. */
  readonly url: string;
  /** Every data point received, in arrival order. */
  metrics(): MetricPoint[];
  /** Every log record received, in arrival order. */
  logs(): LogRecord[];
  /** Every request answered (including injected failures), in arrival order. */
  requests(): ReceivedRequest[];
  /** Connections destroyed while the receiver was down. */
  droppedConnections(): number;
  /**
   * The points of metric `name` whose attributes include `attrs`, taken from the most recent
   * request that carried any such point (the latest export's view); `[]` when none arrived.
   */
  latest(name: string, attrs?: Attributes): MetricPoint[];
  /** The value of the last point that `latest(name, attrs)` returns, if any. */
  latestValue(name: string, attrs?: Attributes): number | undefined;
  /** Resolves once `predicate()` holds; rejects after `timeoutMs` with a summary of what arrived. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Answers the next `count` requests with `status` (and `headers`, `body`) without recording their payloads. */
  failNext(count: number, status: number, headers?: OutgoingHttpHeaders, body?: string): void;
  /** Takes the next `count` metrics requests (their points are recorded) and answers each with `partial` success. */
  answerPartially(count: number, partial: PartialSuccessAnswer): void;
  /** While down, every connection is destroyed on arrival, as if the collector were unreachable. */
  setDown(down: boolean): void;
  /** Forgets everything recorded so far; request indexes start again at 0. */
  reset(): void;
  close(): Promise<void>;
}

interface Fault {
  remaining: number;
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

interface ReceiverState {
  points: MetricPoint[];
  records: LogRecord[];
  requests: ReceivedRequest[];
  dropped: number;
  down: boolean;
  fault: Fault | undefined;
  partial: { remaining: number; answer: PartialSuccessAnswer } | undefined;
  sockets: Set<Socket>;
  paths: Readonly<Record<string, OtlpSignal>>;
}

const SIGNAL_PATHS: Record<string, OtlpSignal> = { '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

/** Starts an OTLP/HTTP receiver on a loopback port (0, i.e. any free port, unless given). */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const state: ReceiverState = {
    points: [],
    records: [],
    requests: [],
    dropped: 0,
    down: false,
    fault: undefined,
    partial: undefined,
    sockets: new Set(),
    paths: { ...SIGNAL_PATHS, ...options.paths },
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(state, req, res).catch(() => res.destroy());
  };
  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ca: tls.ca,
          requestCert: tls.ca !== undefined,
          rejectUnauthorized: tls.ca !== undefined,
        },
        handler,
      )
    : createServer(handler);
  server.on('connection', (socket) => trackSocket(state, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return createReceiverApi(state, server, `${tls ? 'https' : 'http'}://${host}:${port}`);
}

function trackSocket(state: ReceiverState, socket: Socket): void {
  if (state.down) {
    state.dropped++;
    socket.destroy();
    return;
  }
  state.sockets.add(socket);
  socket.on('close', () => state.sockets.delete(socket));
}

async function handleRequest(state: ReceiverState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const wire = await readBody(req);
  const path = (req.url ?? '').split('?')[0] ?? '';
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
  const format = toFormat(contentType);
  const entry: ReceivedRequest = { path, contentType, encoding, bytes: wire.length, status: 200 };
  if ('getPeerCertificate' in req.socket)
    entry.clientCertificate = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
  state.requests.push(entry);
  const reply = (status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}): void => {
    entry.status = status;
    res.writeHead(status, {
      'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf',
      ...headers,
    });
    res.end(body);
  };
  if (state.fault && state.fault.remaining > 0) {
    const { status, headers, body } = state.fault;
    if (--state.fault.remaining === 0) state.fault = undefined;
    return reply(status, body, headers);
  }
  const signal = state.paths[path];
  if (req.method !== 'POST') return reply(405, '');
  if (!signal) return reply(404, '');
  if (!format) return reply(415, '');
  if (encoding !== '' && encoding !== 'gzip' && encoding !== 'identity') return reply(415, '');
  try {
    record(state, signal, decodeExportRequest(signal, format, encoding === 'gzip' ? gunzipSync(wire) : wire));
  } catch {
    return reply(400, '');
  }
  if (signal === 'metrics' && state.partial && state.partial.remaining > 0) {
    state.partial.remaining--;
    return reply(200, encodeMetricsResponse(state.partial.answer, format));
  }
  reply(200, format === 'json' ? '{}' : '');
}

function record(state: ReceiverState, signal: OtlpSignal, decoded: unknown): void {
  const index = state.requests.length - 1;
  if (signal === 'metrics') state.points.push(...flattenMetrics(decoded, index));
  else state.records.push(...flattenLogs(decoded, index));
}

function toFormat(contentType: string): OtlpFormat | undefined {
  if (contentType === 'application/x-protobuf') return 'protobuf';
  if (contentType === 'application/json') return 'json';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function createReceiverApi(state: ReceiverState, server: Server, url: string): OtlpReceiver {
  const latest = (name: string, attrs: Attributes = {}): MetricPoint[] => {
    const matching = state.points.filter((p) => p.name === name && includesAttributes(p.attributes, attrs));
    const last = matching.at(-1);
    return last === undefined ? [] : matching.filter((p) => p.request === last.request);
  };
  return {
    url,
    metrics: () => [...state.points],
    logs: () => [...state.records],
    requests: () => state.requests.map((r) => ({ ...r })),
    droppedConnections: () => state.dropped,
    latest,
    latestValue: (name, attrs) => latest(name, attrs).at(-1)?.value,
    waitFor: (predicate, timeoutMs = 10_000) => pollUntil(predicate, timeoutMs, () => summarize(state)),
    failNext(count, status, headers = {}, body = '') {
      state.fault = count > 0 ? { remaining: count, status, headers, body } : undefined;
    },
    answerPartially(count, answer) {
      state.partial = { remaining: count, answer };
    },
    setDown(down) {
      state.down = down;
      if (!down) return;
      for (const socket of state.sockets) socket.destroy();
      state.sockets.clear();
    },
    reset() {
      state.points = [];
      state.records = [];
      state.requests = [];
      state.dropped = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function includesAttributes(actual: Attributes, expected: Attributes): boolean {
  return Object.entries(expected).every(([key, value]) => isDeepStrictEqual(actual[key], value));
}

async function pollUntil(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() >= deadline) {
      throw new Error(`OTLP receiver: condition not met within ${timeoutMs} ms; received ${describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function summarize(state: ReceiverState): string {
  const requests = state.requests.map(
    (r) => `${r.path} ${r.contentType}${r.encoding ? `+${r.encoding}` : ''} → ${r.status}`,
  );
  const metrics = [...new Set(state.points.map((p) => p.name))];
  const events = [...new Set(state.records.map((r) => r.eventName || r.severityText || '(unnamed)'))];
  return [
    `${state.requests.length} request(s) [${requests.join('; ')}]`,
    `metrics [${metrics.join(', ')}]`,
    `log records ${state.records.length} [${events.join(', ')}]`,
    `dropped connections ${state.dropped}`,
  ].join(', ');
}
