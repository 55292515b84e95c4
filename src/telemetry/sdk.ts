import { randomUUID } from 'node:crypto';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Logger, Meter } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as OTLPMetricExporterJson,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ExporterTls } from '../config/types.ts';
import type { ExporterConfig } from '../config/types.ts';
import { ExportingReader } from './exporting-reader.ts';
import { createGaugeProducer, type GaugeProducer, type GaugeRegistry } from './gauge-producer.ts';
import { createProtobufMetricExporter } from './otlp/protobuf-metric-exporter.ts';
import { SILENT_LOG, type Log } from '../log.ts';
import {
  ExportWatch,
  watchLogExporter,
  watchMetricExporter,
  type ExportTarget,
  type UndeliveredExport,
} from './export-watch.ts';
import { openEventSpool, SpoolingLogRecordProcessor, type DropReason } from './spool/index.ts';
import { waitAtMost } from '../shared/wait-at-most.ts';

export const INSTRUMENTATION_SCOPE = 'm365-health';

export interface TelemetrySdkOptions {
  exporter: ExporterConfig | undefined;
  serviceName: string;
  serviceVersion: string;
  resource: Readonly<Record<string, string>>;
  /** Extra metric exporters (the demo's terminal view, tests), each sent every collection whole every `intervalMs`. */
  metricExporters?: { exporter: PushMetricExporter; intervalMs: number }[];
  /** Extra log record processors (the demo's terminal view, tests). */
  processors?: LogRecordProcessor[];
  /** Events go through a durable on-disk spool in `dir` before export (at-least-once); without it, in memory. */
  spool?: { dir: string; maxBytes: number; onDrop?: (count: number, reason: DropReason) => void };
  /** Where export failures and the spool's drops are reported. */
  log?: Log;
}

/** The OpenTelemetry providers of one agent process. */
export interface TelemetrySdk {
  readonly meter: Meter;
  /** Gauges read from the agent's state at each collection, exported to every exporter after the meter's metrics. */
  readonly gauges: GaugeRegistry;
  readonly logger: Logger;
  readonly resource: Resource;
  /** Pushes what is pending; never rejects (failures are logged). */
  forceFlush(): Promise<void>;
  /**
   * Flushes and stops the providers, giving up after `timeoutMs` (no further request is started then; one in flight
   * is left to the end of the process). Resolves with what this last flush did not deliver: every signal an export
   * of which failed, events left in the spool, and exports cut short by the bound. Never rejects.
   */
  shutdown(timeoutMs: number): Promise<UndeliveredExport[]>;
}

/** Builds the resource: `service.name`, `service.version`, `service.instance.id` and the configured extras. */
export function buildResource(
  options: Pick<TelemetrySdkOptions, 'serviceName' | 'serviceVersion' | 'resource'>,
): Resource {
  return resourceFromAttributes({
    'service.instance.id': randomUUID(),
    ...options.resource,
    'service.name': options.serviceName,
    'service.version': options.serviceVersion,
  });
}

function exporterOptions(exporter: ExporterConfig, signal: 'metrics' | 'logs') {
  return {
    url: `${exporter.endpoint}/v1/${signal}`,
    headers: { ...exporter.headers },
    timeoutMillis: exporter.timeoutMs,
    compression: exporter.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    ...(exporter.tls ? { httpAgentOptions: tlsAgentOptions(exporter.tls) } : {}),
  };
}

/**
 * Agent options for TLS to the collector. Given explicitly, they also keep the exporters from reading
 * `OTEL_EXPORTER_OTLP_*CERTIFICATE*` themselves: the configuration already resolved those.
 */
function tlsAgentOptions(tls: ExporterTls): HttpsAgentOptions {
  return { keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key?.reveal() };
}

/**
 * Data points per metrics export request. Thousands of tenants make exports of hundreds of MB: in requests of this
 * size (about 2 MB of protobuf) they stay under collectors' request limits (the OpenTelemetry Collector refuses
 * bodies over 20 MiB by default), the encoding buffer stays small and polls run between two requests.
 */
export const EXPORT_BATCH_POINTS = 10_000;

/** The OTLP metrics reader: its exporter's results watched, requests of {@link EXPORT_BATCH_POINTS} points. */
function createMetricReader(exporter: ExporterConfig, watch: ExportWatch, gauges: GaugeProducer): ExportingReader {
  const options = {
    ...exporterOptions(exporter, 'metrics'),
    temporalityPreference:
      exporter.temporality === 'delta'
        ? AggregationTemporalityPreference.DELTA
        : AggregationTemporalityPreference.CUMULATIVE,
  };
  const created =
    exporter.protocol === 'http/json' ? new OTLPMetricExporterJson(options) : createProtobufMetricExporter(options);
  return new ExportingReader({
    exporter: watchMetricExporter(created, watch, { signal: 'metrics', url: options.url }),
    gauges,
    intervalMs: exporter.intervalMs,
    timeoutMs: Math.min(exporter.timeoutMs, exporter.intervalMs),
    maxPoints: EXPORT_BATCH_POINTS,
  });
}

function createLogProcessor(
  exporter: ExporterConfig,
  resource: Resource,
  options: TelemetrySdkOptions,
  watch: ExportWatch,
): LogRecordProcessor {
  const exportOptions = exporterOptions(exporter, 'logs');
  const logExporter =
    exporter.protocol === 'http/json'
      ? new OTLPLogExporterJson(exportOptions)
      : new OTLPLogExporterProto(exportOptions);
  if (!options.spool || !options.log) {
    const watched = watchLogExporter(logExporter, watch, { signal: 'logs', url: exportOptions.url });
    return new BatchLogRecordProcessor({ exporter: watched, scheduledDelayMillis: 1000 });
  }
  return openEventSpool({
    dir: options.spool.dir,
    maxBytes: options.spool.maxBytes,
    exporter: logExporter,
    exporterUrl: exportOptions.url,
    resource,
    log: options.log,
    onDrop: options.spool.onDrop,
  });
}

/** Time the spool keeps, within a shutdown's bound, to close its files and release its lock. */
const SPOOL_CLOSE_RESERVE_MS = 500;

/** Wires the OTel SDK: OTLP/HTTP exporters (protobuf or JSON) for metrics and logs, plus any extra sinks. */
export function createTelemetrySdk(options: TelemetrySdkOptions): TelemetrySdk {
  const resource = buildResource(options);
  const watch = new ExportWatch({ log: options.log ?? SILENT_LOG, clock: Date.now, repeatMs: 60_000 });
  const logProcessor = options.exporter ? createLogProcessor(options.exporter, resource, options, watch) : undefined;
  const processors = [...(logProcessor ? [logProcessor] : []), ...(options.processors ?? [])];
  const gauges = createGaugeProducer(resource, { name: INSTRUMENTATION_SCOPE, version: options.serviceVersion });
  const readers = (options.metricExporters ?? []).map(
    (sink) => new ExportingReader({ ...sink, gauges, timeoutMs: sink.intervalMs, maxPoints: Infinity }),
  );
  if (options.exporter) readers.unshift(createMetricReader(options.exporter, watch, gauges));
  const meterProvider = new MeterProvider({ resource, readers });
  const loggerProvider = new LoggerProvider({ resource, processors });
  const spool = logProcessor instanceof SpoolingLogRecordProcessor ? logProcessor : undefined;
  return {
    meter: meterProvider.getMeter(INSTRUMENTATION_SCOPE, options.serviceVersion),
    gauges,
    logger: loggerProvider.getLogger(INSTRUMENTATION_SCOPE, options.serviceVersion),
    resource,
    async forceFlush() {
      await Promise.all([loggerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    async shutdown(timeoutMs) {
      watch.forgetFailures();
      void spool?.shutdownWithin(timeoutMs - SPOOL_CLOSE_RESERVE_MS);
      const logs = finishes(loggerProvider.shutdown());
      const metrics = finishes(meterProvider.shutdown());
      await waitAtMost(Promise.all([logs.done, metrics.done]), timeoutMs);
      if (!metrics.finished()) for (const reader of readers) reader.abort();
      watch.close();
      if (!options.exporter) return [];
      const undelivered = watch.undelivered();
      const cutShort = (target: ExportTarget): void => {
        if (!undelivered.some((u) => u.signal === target.signal))
          undelivered.push({ ...target, reason: `not flushed within ${timeoutMs} ms` });
      };
      if (!metrics.finished()) cutShort({ signal: 'metrics', url: exporterOptions(options.exporter, 'metrics').url });
      const logsUrl = exporterOptions(options.exporter, 'logs').url;
      if (spool) undelivered.push(...spooled(spool, logsUrl));
      else if (!logs.finished()) cutShort({ signal: 'logs', url: logsUrl });
      return undelivered;
    },
  };
}

/** Events left in the spool after its shutdown, with the last reason the collector gave. */
function spooled(spool: SpoolingLogRecordProcessor, url: string): UndeliveredExport[] {
  const pendingBytes = spool.pendingBytes();
  if (pendingBytes === 0) return [];
  const failure = spool.lastFailure();
  const status = typeof failure?.['status'] === 'number' ? failure['status'] : undefined;
  const reason = `${failure?.['reason'] ?? 'still being sent when the agent stopped'}; ${pendingBytes} bytes of events stay in the spool for the next start`;
  return [{ signal: 'logs', url, reason, ...(status === undefined ? {} : { status }) }];
}

function finishes(promise: Promise<unknown>): { done: Promise<void>; finished(): boolean } {
  let finished = false;
  const done = promise.then(
    () => void (finished = true),
    () => void (finished = true),
  );
  return { done, finished: () => finished };
}
