import { X509Certificate } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { METRICS } from '../catalogue/catalogue.ts';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';
import { Secret } from '../shared/secret.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { type FileSources, readNamedFile } from './files.ts';
import { isPlainObject, type PathSegment, type ProblemSink, quoteValue, reportProblem } from './problems.ts';
import { didYouMean } from './schema.ts';
import type { HttpSettings, MetricToggle, ServerConfig } from './types.ts';
import { type Environment, parseKeyValueList, pickSetting, readEnv, sectionOf, type Setting } from './values.ts';

/** A metric name as the catalogue writes them: lowercase, dot-separated, e.g. `m365.service.status`. */
const METRIC_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/** The per-metric switches of the `metrics` section, keyed by metric name; names must be in the telemetry catalogue. */
export function resolveMetrics(raw: unknown, sink: ProblemSink): Record<string, MetricToggle> {
  const toggles: [string, MetricToggle][] = [];
  for (const [name, toggle] of Object.entries(sectionOf(raw))) {
    if (!METRIC_NAME.test(name)) {
      const message = `${quoteValue(name)} is not a metric name: lowercase and dot-separated, like m365.service.status`;
      reportProblem(sink, ['metrics'], message, { atKey: name });
    } else if (!METRICS.some((metric) => metric.name === name)) {
      reportProblem(sink, ['metrics'], unknownMetricMessage(name), { atKey: name });
    }
    if (isPlainObject(toggle) && typeof toggle['enabled'] === 'boolean') {
      toggles.push([name, { enabled: toggle['enabled'] }]);
    }
  }
  return Object.fromEntries(toggles);
}

function unknownMetricMessage(name: string): string {
  const known = METRICS.map((metric) => metric.name);
  return `unknown metric ${quoteValue(name)}${didYouMean(name, known)}; known metrics: ${known.join(', ')}`;
}

/** `state.dir`, made absolute against the config file's directory; `undefined` keeps state in memory only. */
export function resolveStateDir(raw: unknown, file: string): string | undefined {
  const dir = sectionOf(raw)['dir'];
  return typeof dir === 'string' && dir !== '' ? resolve(dirname(file), dir) : undefined;
}

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const MIN_SPOOL_BYTES = 1024 ** 2;
/** The most GiB whose byte count is exact; a longer number of bytes reads as a rounded value, or as Infinity. */
const MAX_SPOOL_GIB = Math.floor(Number.MAX_SAFE_INTEGER / 1024 ** 3);
const MAX_SPOOL_BYTES = MAX_SPOOL_GIB * 1024 ** 3;

/**
 * `state.spool_max_size`: the bound of the event outbox (its name kept from the spool it replaced), a size such as
 * `64MiB`, `512KiB`, `1GiB` or `4096B`, from 1 MiB.
 */
export function resolveSpoolMaxBytes(raw: unknown, sink: ProblemSink): number {
  const text = sectionOf(raw)['spool_max_size'];
  if (typeof text !== 'string') return CONFIG_DEFAULTS.state.spoolMaxBytes;
  const match = /^(\d+)\s*(B|KiB|MiB|GiB)$/.exec(text.trim());
  const bytes = match ? Number(match[1]) * SIZE_UNITS[match[2]] : undefined;
  let problem: string | undefined;
  if (bytes === undefined) problem = 'is not a size; write a size such as "64MiB" or "1GiB" (units: B, KiB, MiB, GiB)';
  else if (bytes < MIN_SPOOL_BYTES) problem = 'is below the minimum of 1MiB';
  else if (bytes > MAX_SPOOL_BYTES) problem = `is above the maximum of ${MAX_SPOOL_GIB}GiB`;
  else return bytes;
  reportProblem(sink, ['state', 'spool_max_size'], `${quoteValue(text)} ${problem}`);
  return CONFIG_DEFAULTS.state.spoolMaxBytes;
}

const ATTRIBUTES_VARIABLE = 'OTEL_RESOURCE_ATTRIBUTES';
const SERVICE_NAME_VARIABLE = 'OTEL_SERVICE_NAME';
const SERVICE_NAME = 'service.name';

/**
 * The extra resource attributes and the service name. Attributes are those of `OTEL_RESOURCE_ATTRIBUTES`
 * (`k=v,…`, percent-decoded values), then the file's `resource` section, which wins per key. The service name is,
 * first found: `resource` → `service.name` in the file, `OTEL_SERVICE_NAME`, `service.name` in
 * `OTEL_RESOURCE_ATTRIBUTES`, then the default ({@link CONFIG_DEFAULTS}); it is not repeated among the attributes.
 */
export function resolveResource(
  raw: unknown,
  env: Environment,
  sink: ProblemSink,
): { resource: Record<string, string>; serviceName: string } {
  const fromEnv = attributesFromEnv(env, sink);
  const fromFile = attributesFromFile(raw, sink);
  const merged = new Map([...fromEnv, ...fromFile]);
  const serviceName =
    fromFile.get(SERVICE_NAME) ??
    readEnv(env, SERVICE_NAME_VARIABLE) ??
    fromEnv.get(SERVICE_NAME) ??
    CONFIG_DEFAULTS.resource.serviceName;
  merged.delete(SERVICE_NAME);
  return { resource: Object.fromEntries(merged), serviceName };
}

function attributesFromEnv(env: Environment, sink: ProblemSink): Map<string, string> {
  const text = readEnv(env, ATTRIBUTES_VARIABLE);
  if (text === undefined) return new Map();
  const list = parseKeyValueList(text);
  if (list.ok) return new Map(list.entries);
  reportProblem(sink, ['resource'], `${ATTRIBUTES_VARIABLE}: ${list.message}`, { outsideFile: true });
  return new Map();
}

function attributesFromFile(raw: unknown, sink: ProblemSink): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const [key, value] of Object.entries(sectionOf(raw))) {
    if (typeof value !== 'string') continue;
    if (key.trim() === '') reportProblem(sink, ['resource'], 'attribute names must not be empty', { atKey: key });
    else if (key === SERVICE_NAME && value === '') reportProblem(sink, ['resource', key], 'must not be empty');
    else attributes.set(key, value);
  }
  return attributes;
}

/**
 * The `server` section: absent turns the HTTP endpoint off; present (even empty) turns it on, on `listen`:
 * `host:port`, `[::1]:13133` for IPv6 literals (default in {@link CONFIG_DEFAULTS}: loopback only).
 */
export function resolveServer(raw: unknown, present: boolean, sink: ProblemSink): ServerConfig | undefined {
  if (!present) return undefined;
  const listen = sectionOf(raw)['listen'];
  const text = typeof listen === 'string' ? listen : CONFIG_DEFAULTS.server.listen;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match && port <= 65535) return { host: match[1] ?? match[2] ?? '', port };
  reportProblem(sink, ['server', 'listen'], `"${text}" is not host:port, like 127.0.0.1:13133 or [::]:13133`);
  return undefined;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Resolves an `http` section (top-level at `['http']`, or a tenant's) over `inherited`: each key the section sets
 * wins. `proxy` must be an `http://` or `https://` URL of a host (credentials allowed, never shown); `ca_file` must
 * hold PEM certificates, all valid.
 */
export function resolveHttp(
  raw: unknown,
  at: readonly PathSegment[],
  inherited: HttpSettings,
  sources: FileSources,
  sink: ProblemSink,
): HttpSettings {
  const section = sectionOf(raw);
  if (Object.keys(section).length === 0) return inherited;
  const proxy = section['proxy'];
  const noProxy = section['no_proxy'];
  const caFile = pickSetting(section, at, 'ca_file');
  const ca = typeof caFile?.raw === 'string' && caFile.raw !== '' ? readCaFile(caFile, sources, sink) : undefined;
  return {
    proxy: typeof proxy === 'string' && proxy !== '' ? checkProxy(proxy, [...at, 'proxy'], sink) : inherited.proxy,
    noProxy: typeof noProxy === 'string' ? noProxy : inherited.noProxy,
    caFile: ca === undefined ? inherited.caFile : ca.path,
    ca: ca === undefined ? inherited.ca : ca.pem,
  };
}

function checkProxy(text: string, at: readonly PathSegment[], sink: ProblemSink): Secret | undefined {
  const url = URL.parse(text);
  const shown = JSON.stringify(hideUrlCredentials(text.length > 200 ? `${text.slice(0, 200)}…` : text));
  let problem: string;
  if (url === null || url.hostname === '') problem = `${shown} is not a URL such as http://proxy.example.com:3128`;
  else if (url.protocol !== 'http:' && url.protocol !== 'https:')
    problem = `${shown} must start with http:// or https://`;
  else if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    problem = `${shown} must name only the proxy's scheme, host and port`;
  else return new Secret(text);
  reportProblem(sink, at, problem);
  return undefined;
}

function readCaFile(
  setting: Setting,
  sources: FileSources,
  sink: ProblemSink,
): { path: string; pem: string } | undefined {
  const file = readNamedFile(setting, 'file', sources.readFile, sources.baseDir, sink);
  if (file === undefined) return undefined;
  const blocks = file.content.match(PEM_CERTIFICATE) ?? [];
  const invalid = blocks.findIndex((block) => !isCertificate(block));
  if (blocks.length > 0 && invalid === -1) return { path: file.path, pem: blocks.join('\n') };
  const what =
    blocks.length === 0
      ? ' holds no PEM certificate (-----BEGIN CERTIFICATE-----)'
      : `: certificate block ${invalid + 1} of ${blocks.length} is not a valid X.509 certificate`;
  reportProblem(sink, setting.at, `${JSON.stringify(file.path)}${what}`);
  return undefined;
}

function isCertificate(pem: string): boolean {
  try {
    return new X509Certificate(pem) !== undefined;
  } catch {
    return false;
  }
}
