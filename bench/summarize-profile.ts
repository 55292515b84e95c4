/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `npm run bench -- --cpu-prof DIR`): CPU by area of
 * the code (each sample counted once, for the innermost frame that names an area), then the functions with the
 * most self time. Usage: `node bench/summarize-profile.ts FILE [TOP] [FROM_SECONDS]`: with FROM_SECONDS, only the
 * samples taken that long after the profile started (past the start-up and the warm-up).
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Areas, matched against a frame's URL (or function name for native frames), first match wins per frame. */
const AREAS: readonly [string, RegExp][] = [
  ['OTLP encoding and export', /otlp-transformer|otlp-exporter-base|exporter-metrics|exporter-logs|sdk-logs/],
  ['metrics SDK', /sdk-metrics/],
  ['gauges (agent state to points)', /src\/telemetry\//],
  ['evaluation, change detection', /src\/health\//],
  ['Graph client: decode, JSON.parse', /src\/graph\//],
  ['token, identity platform', /src\/auth\/|openid-client|oauth4webapi/],
  ['agent scheduling, polling', /src\/agent\//],
  ['startup: config, modules', /src\/config\/|node_modules\/yaml|ajv|internal\/modules|amaro/],
  ['HTTP client (undici), sockets', /undici|node:net|stream_base_commons|node:_http|node:http/],
];

const [file, topText, fromText] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/summarize-profile.ts FILE [TOP] [FROM_SECONDS]');
const fromMicros = Number(fromText ?? 0) * 1e6;
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const top = Number(topText ?? 25);
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

function areaOf(id: number): string {
  const self = nodes.get(id)!.callFrame.functionName;
  if (self === '(idle)' || self === '(garbage collector)' || self === '(program)') return self;
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at)!.callFrame;
    const area = AREAS.find(([, pattern]) => pattern.test(frame.url || frame.functionName));
    if (area) return area[0];
  }
  return 'other';
}

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
const areaCache = new Map<number, string>();
let elapsed = 0;
profile.samples.forEach((id, i) => {
  elapsed += profile.timeDeltas[i] ?? 0;
  if (elapsed < fromMicros) return;
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const area = areaCache.get(id) ?? areaOf(id);
  areaCache.set(id, area);
  byArea.set(area, (byArea.get(area) ?? 0) + ms);
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
});
const busy = [...byArea].filter(([area]) => area !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
const lines: string[] = [];
const print = (title: string, map: Map<string, number>, limit: number) => {
  lines.push('', `${title} (busy: ${busy.toFixed(0)} ms)`);
  for (const [key, ms] of [...map]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)) {
    lines.push(`${ms.toFixed(0).padStart(8)} ms ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${key}`);
  }
};
print('CPU by area', byArea, AREAS.length + 4);
print('self time by function', byFunction, top);
process.stdout.write(`${lines.join('\n')}\n`);
