import {
  checkEndpointUrl,
  checkTimeoutFits,
  originOf,
  MAX_DURATION_MS,
  readDuration,
  pickSetting,
  reportSetting,
  sectionOf,
  showSetting,
  type Environment,
  type Setting,
} from './values.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import type { ProblemSink } from './problems.ts';
import { resolveHeaders } from './resolve-headers.ts';
import type { ExporterConfig } from './types.ts';

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
export function resolveExporter(raw: unknown, env: Environment, sink: ProblemSink): ExporterConfig {
  const section = sectionOf(raw);
  const pick = (key: string, variable: string): Setting | undefined =>
    pickSetting(section, ['exporter'], key, env, variable);
  const d = CONFIG_DEFAULTS.exporter;
  return {
    endpoint: readEndpoint(pick('endpoint', 'OTEL_EXPORTER_OTLP_ENDPOINT'), d.endpoint, sink),
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
}

const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
const COMPRESSIONS = ['none', 'gzip'] as const;
const TEMPORALITIES = ['cumulative', 'delta'] as const;

function resolveExportTiming(
  interval: Setting | undefined,
  timeout: Setting | undefined,
  sink: ProblemSink,
): { intervalMs: number; timeoutMs: number } {
  const d = CONFIG_DEFAULTS.exporter;
  const intervalMs = readDuration(interval, d.intervalMs, EXPORT_LIMITS, sink);
  const defaultTimeoutMs = d.timeoutMs(intervalMs ?? d.intervalMs);
  if (timeout === undefined) return { intervalMs: intervalMs ?? d.intervalMs, timeoutMs: defaultTimeoutMs };
  const timeoutMs = readDuration(timeout, defaultTimeoutMs, EXPORT_LIMITS, sink);
  const intervalAt = { ms: intervalMs, origin: originOf(interval, 'default') };
  checkTimeoutFits(intervalAt, { ms: timeoutMs, origin: originOf(timeout, 'default') }, 'export', timeout, sink);
  return { intervalMs: intervalMs ?? d.intervalMs, timeoutMs: timeoutMs ?? defaultTimeoutMs };
}

function readEndpoint(setting: Setting | undefined, fallback: string, sink: ProblemSink): string {
  if (setting === undefined || typeof setting.raw !== 'string') return fallback;
  const checked = checkEndpointUrl(setting.raw);
  if (checked.ok) return checked.url;
  const from = setting.variable === undefined ? '' : `${setting.variable}: `;
  reportSetting(sink, setting, `${from}${checked.message}`);
  return fallback;
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
