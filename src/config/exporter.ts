import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { Secret } from '../shared/secret.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { type FileSources, readNamedFile } from './files.ts';
import { type ProblemSink, reportProblem, reportWarning } from './problems.ts';
import type { ExporterConfig, ExporterTls } from './types.ts';
import {
  checkTimeoutFits,
  type Environment,
  MAX_DURATION_MS,
  parseKeyValueList,
  pickSetting,
  readDuration,
  readEndpointUrl,
  readEnv,
  reportSetting,
  sectionOf,
  type Setting,
  showSetting,
} from './values.ts';

const EXPORT_LIMITS = { min: 1, max: MAX_DURATION_MS };

/**
 * Resolves the `exporter` section. Each setting is taken from the file if present, else from the standard
 * OpenTelemetry environment variable, else from {@link CONFIG_DEFAULTS}:
 *
 * | key | environment variable |
 * |---|---|
 * | `endpoint` | `OTEL_EXPORTER_OTLP_ENDPOINT` (base URL; `/v1/metrics` and `/v1/logs` are appended) |
 * | `protocol` | `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf` or `http/json`) |
 * | `headers` | `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, percent-decoded values; merged per header, the file wins) |
 * | `interval` | `OTEL_METRIC_EXPORT_INTERVAL` (milliseconds) |
 * | `timeout` | `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds; by default the smaller of 10s and the interval) |
 * | `compression` | `OTEL_EXPORTER_OTLP_COMPRESSION` (`none` or `gzip`) |
 * | `temporality` | `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` (`cumulative` or `delta`) |
 *
 * A variable the file overrides is not read, so it cannot make the configuration invalid.
 */
export function resolveExporter(
  raw: unknown,
  env: Environment,
  sources: FileSources,
  sink: ProblemSink,
): ExporterConfig {
  const section = sectionOf(raw);
  const pick = (key: string, variable: string): Setting | undefined =>
    pickSetting(section, ['exporter'], key, env, variable);
  const d = CONFIG_DEFAULTS.exporter;
  const exporter: ExporterConfig = {
    endpoint: readEndpointUrl(pick('endpoint', 'OTEL_EXPORTER_OTLP_ENDPOINT'), d.endpoint, sink),
    protocol: readChoice(pick('protocol', 'OTEL_EXPORTER_OTLP_PROTOCOL'), PROTOCOLS, d.protocol, sink),
    headers: resolveHeaders(section['headers'], env, sink),
    ...resolveExportTiming(
      pick('interval', 'OTEL_METRIC_EXPORT_INTERVAL'),
      pick('timeout', 'OTEL_EXPORTER_OTLP_TIMEOUT'),
      sink,
    ),
    compression: readChoice(pick('compression', 'OTEL_EXPORTER_OTLP_COMPRESSION'), COMPRESSIONS, d.compression, sink),
    temporality: readChoice(
      pick('temporality', 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'),
      TEMPORALITIES,
      d.temporality,
      sink,
    ),
  };
  const tls = resolveExporterTls(sectionOf(section['tls']), exporter.endpoint, env, sources, sink);
  return tls === undefined ? exporter : { ...exporter, tls };
}

/** What the choice settings accept, here and in the schema. */
export const PROTOCOLS: readonly ExporterConfig['protocol'][] = ['http/protobuf', 'http/json'];
export const COMPRESSIONS: readonly ExporterConfig['compression'][] = ['none', 'gzip'];
export const TEMPORALITIES: readonly ExporterConfig['temporality'][] = ['cumulative', 'delta'];

function resolveExportTiming(
  interval: Setting | undefined,
  timeout: Setting | undefined,
  sink: ProblemSink,
): { intervalMs: number; timeoutMs: number } {
  const d = CONFIG_DEFAULTS.exporter;
  const intervalMs = interval === undefined ? d.intervalMs : readDuration(interval, EXPORT_LIMITS, sink);
  const defaultTimeoutMs = d.timeoutMs(intervalMs ?? d.intervalMs);
  if (timeout === undefined) return { intervalMs: intervalMs ?? d.intervalMs, timeoutMs: defaultTimeoutMs };
  const timeoutMs = readDuration(timeout, EXPORT_LIMITS, sink);
  const intervalAt = { ms: intervalMs, origin: interval === undefined ? 'default' : interval.variable };
  checkTimeoutFits(intervalAt, { ms: timeoutMs, origin: timeout.variable }, 'export', timeout, sink);
  return { intervalMs: intervalMs ?? d.intervalMs, timeoutMs: timeoutMs ?? defaultTimeoutMs };
}

/**
 * One of `choices`. Values from the file were checked by the schema; values from the environment are compared
 * ignoring case, as the specification allows, and reported when not supported.
 */
function readChoice<T extends string>(
  setting: Setting | undefined,
  choices: readonly T[],
  fallback: T,
  sink: ProblemSink,
): T {
  if (setting === undefined || typeof setting.raw !== 'string') return fallback;
  const value = setting.variable === undefined ? setting.raw : setting.raw.toLowerCase();
  const choice = choices.find((c) => c === value);
  if (choice !== undefined) return choice;
  if (setting.variable !== undefined) {
    reportSetting(sink, setting, `${showSetting(setting)} is not supported; use one of ${choices.join(', ')}`);
  }
  return fallback;
}

const HEADERS_VARIABLE = 'OTEL_EXPORTER_OTLP_HEADERS';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

/**
 * The exporter's HTTP headers: those of `OTEL_EXPORTER_OTLP_HEADERS`, then `exporter.headers` of the file, which
 * wins per header name (compared ignoring case), as the OpenTelemetry SDK merges them. Values are never put in
 * messages.
 */
function resolveHeaders(rawHeaders: unknown, env: Environment, sink: ProblemSink): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of headersFromEnv(env, sink)) merged.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of Object.entries(sectionOf(rawHeaders))) {
    if (typeof value !== 'string') continue;
    if (!TOKEN.test(name)) reportProblem(sink, ['exporter', 'headers'], invalidNameMessage(name), { atKey: name });
    else if (FORBIDDEN_IN_VALUE.test(value)) {
      reportProblem(sink, ['exporter', 'headers', name], 'the value contains a line break or NUL');
    } else merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}

function headersFromEnv(env: Environment, sink: ProblemSink): [string, string][] {
  const text = readEnv(env, HEADERS_VARIABLE);
  if (text === undefined) return [];
  const list = parseKeyValueList(text);
  const problems = list.ok
    ? list.entries.map(([name, value]) => headerProblem(name, value)).filter((p) => p !== undefined)
    : [list.message];
  for (const problem of problems) {
    reportProblem(sink, ['exporter', 'headers'], `${HEADERS_VARIABLE}: ${problem}`, { outsideFile: true });
  }
  return list.ok && problems.length === 0 ? list.entries : [];
}

function invalidNameMessage(name: string): string {
  return `${JSON.stringify(name)} is not a valid HTTP header name`;
}

function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return invalidNameMessage(name);
  if (FORBIDDEN_IN_VALUE.test(value)) return `the value of ${JSON.stringify(name)} contains a line break or NUL`;
  return undefined;
}

const TLS_FILES = {
  ca: { key: 'ca_file', variable: 'OTEL_EXPORTER_OTLP_CERTIFICATE', what: 'CA certificate' },
  cert: { key: 'cert_file', variable: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', what: 'client certificate' },
  key: { key: 'key_file', variable: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', what: 'client key' },
} as const;

type TlsFileKind = keyof typeof TLS_FILES;

/**
 * Resolves `exporter.tls`: `ca_file`, `cert_file` and `key_file` (PEM), each from the file or else from
 * `OTEL_EXPORTER_OTLP_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_KEY`.
 * Files are read and checked now: unreadable, not PEM, a certificate without its key (or the reverse), or a key
 * that does not match its certificate are problems. Paths in the file start from its directory, paths from the
 * environment from the working directory. `undefined` when nothing is set.
 */
function resolveExporterTls(
  section: Readonly<Record<string, unknown>>,
  endpoint: string,
  env: Environment,
  sources: FileSources,
  sink: ProblemSink,
): ExporterTls | undefined {
  const pick = (kind: TlsFileKind) =>
    pickSetting(section, ['exporter', 'tls'], TLS_FILES[kind].key, env, TLS_FILES[kind].variable);
  const settings = { ca: pick('ca'), cert: pick('cert'), key: pick('key') };
  if (!settings.ca && !settings.cert && !settings.key) return undefined;
  const read = (kind: TlsFileKind): TlsFile | undefined => {
    const setting = settings[kind];
    if (typeof setting?.raw !== 'string') return undefined;
    const file = readNamedFile(setting, `${TLS_FILES[kind].what} file`, sources.readFile, sources.baseDir, sink);
    return file && { setting, pem: file.content };
  };
  const [ca, cert, key] = [read('ca'), read('cert'), read('key')];
  if (ca) parsePem(ca, 'ca', sink);
  const certificate = cert && parsePem(cert, 'cert', sink);
  const keyObject = key && parsePem(key, 'key', sink);
  const { cert: certSetting, key: keySetting } = settings;
  if (certSetting !== undefined && keySetting === undefined) {
    const message = 'a client certificate needs its key: set key_file (or OTEL_EXPORTER_OTLP_CLIENT_KEY) too';
    reportSetting(sink, certSetting, message, true);
  } else if (keySetting !== undefined && certSetting === undefined) {
    const message = 'a client key needs its certificate: set cert_file (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) too';
    reportSetting(sink, keySetting, message, true);
  } else if (
    keySetting !== undefined &&
    certificate instanceof X509Certificate &&
    keyObject instanceof KeyObject &&
    !certificate.checkPrivateKey(keyObject)
  ) {
    reportSetting(sink, keySetting, 'the client key does not match the client certificate', true);
  }
  if (endpoint.startsWith('http://')) {
    reportWarning(sink, ['exporter', 'tls'], `TLS settings have no effect on the plain http:// endpoint ${endpoint}`);
  }
  return { ca: ca?.pem, cert: cert?.pem, key: key && new Secret(key.pem) };
}

/** A TLS file as read: the setting it came from and its PEM text. */
interface TlsFile {
  setting: Setting;
  pem: string;
}

/** Parses a certificate (the first of a bundle) or an unencrypted private key; reports what is not one. */
function parsePem(file: TlsFile, kind: TlsFileKind, sink: ProblemSink): X509Certificate | KeyObject | undefined {
  try {
    return kind === 'key' ? createPrivateKey(file.pem) : new X509Certificate(file.pem);
  } catch {
    const expected = kind === 'key' ? 'unencrypted PEM private key' : 'PEM certificate';
    const message = `the ${TLS_FILES[kind].what} file holds no ${expected}`;
    reportSetting(sink, file.setting, message, true);
    return undefined;
  }
}
