/**
 * The floor the agent is measured against: only the HTTP requests the agent makes and a `JSON.parse` of each
 * answer, at the same rate. Per tenant: a client-credentials token on its first poll (from Entra's documented token
 * endpoint, as the agent asks it, through undici's `fetch` as openid-client does), then
 * `healthOverviews?$expand=issues` every interval, made and read the way the agent makes and reads it (undici's
 * `request`, with the same headers; the body's chunks decoded, then their buffers released), all through one
 * dispatcher holding at most as many connections to the simulator as the agent's, each poll cut off at the agent's
 * poll timeout (the bench config's: the interval, at most 30 s). Same IPC protocol as `agent-process.ts`.
 * Usage: `node bench/baseline-process.ts URL TENANTS INTERVAL_MS`.
 */
import { EnvHttpProxyAgent, fetch, interceptors, request } from 'undici';
import { decodeChunks } from '../src/net/read-body.ts';
import { MAX_CONNECTIONS_PER_ORIGIN, releaseChunks } from '../src/net/http-fetch.ts';
import type { AgentReport } from './agent-process.ts';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, benchTenantId } from './scenario.ts';

const [url, countText, intervalText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
const intervalMs = Number(intervalText);
const timeoutMs = Math.min(30_000, intervalMs);
const tokens = new Map<number, string>();
const failedEnds: number[] = [];
const starts: number[] = [];
const lags: number[] = [];
const timers = new Set<NodeJS.Timeout>();
// One dispatcher for the token and Graph requests, holding as many connections to the simulator as the agent may.
const connections = new EnvHttpProxyAgent({ connections: MAX_CONNECTIONS_PER_ORIGIN });
const dispatcher = connections.compose(interceptors.decompress());
let stopped = false;

async function getJson(
  input: string,
  init: { method: string; body: URLSearchParams; signal: AbortSignal },
): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const response = await fetch(input, { ...init, dispatcher: connections });
  return { ok: response.ok, body: JSON.parse(await response.text()) as Record<string, unknown> };
}

async function fetchToken(index: number, signal: AbortSignal): Promise<string> {
  const tenant = benchTenantId(index);
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: BENCH_CLIENT_ID,
    client_secret: BENCH_CLIENT_SECRET,
    scope: `${url}/.default`,
  });
  const token = await getJson(`${url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: form, signal });
  return String(token.body.access_token);
}

async function poll(index: number): Promise<void> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = deadline.signal;
  try {
    let token = tokens.get(index);
    if (token === undefined) tokens.set(index, (token = await fetchToken(index, signal)));
    const graph = await request(`${url}/v1.0/admin/serviceAnnouncement/healthOverviews?$expand=issues`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'accept-encoding': 'gzip, deflate, br' },
      dispatcher,
      signal,
    });
    // Read as the agent reads it: the network's chunks, decoded, their buffers given back (releaseChunks).
    const chunks: Uint8Array[] = [];
    for await (const chunk of graph.body) chunks.push(chunk as Uint8Array);
    const text = decodeChunks(chunks);
    releaseChunks(chunks);
    const body = JSON.parse(text) as Record<string, unknown>;
    if (graph.statusCode !== 200 || !Array.isArray(body.value)) failedEnds.push(Date.now());
  } catch {
    failedEnds.push(Date.now());
  } finally {
    clearTimeout(timer);
  }
}

function schedule(index: number, plannedAt: number): void {
  const timer = setTimeout(
    () => {
      timers.delete(timer);
      if (stopped) return;
      const startedAt = Date.now();
      starts.push(startedAt);
      lags.push(startedAt - plannedAt);
      void poll(index).then(() => schedule(index, plannedAt + intervalMs));
    },
    Math.max(0, plannedAt - Date.now()),
  );
  timers.add(timer);
}

const begin = Date.now();
for (let i = 0; i < count; i++) schedule(i, begin + Math.floor((i * intervalMs) / count));
process.send!({ type: 'started' });
process.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  stopped = true;
  for (const timer of timers) clearTimeout(timer);
  const report: AgentReport = {
    starts,
    lags,
    unchangedEnds: [],
    failedEnds,
    warnings: 0,
    firstWarnings: [],
  };
  process.send!({ type: 'report', report }, undefined, {}, () => process.disconnect());
});
