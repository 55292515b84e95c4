import { randomUUID } from 'node:crypto';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Logger, Meter } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { AggregationTemporalityPreference, OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ExporterTls } from '../config/types.ts';
import type { ExporterConfig } from '../config/types.ts';
import { startGaugeExport } from './gauge-export.ts';
import { createGaugeProducer, withGauges, type GaugeRegistry } from './gauge-producer.ts';
import { createProtobufMetricExporter } from './protobuf-metric-exporter.ts';
import type { Log } from '../log.ts';
import { forgetUnobservedGauges } from './gauge-temporality.ts';
import { openEventSpool, type DropReason } from './spool/index.ts';
import { timerDelay } from '../timer-delay.ts';

export const INSTRUMENTATION_SCOPE = 'm365-health';

export interface TelemetrySdkOptions {
  exporter: ExporterConfig | undefined;
  serviceName: string;
  serviceVersion: string;
  resource: Readonly<Record<string, string>>;
  /** Extra metric readers (the demo's terminal view, tests). */
  readers?: IMetricReader[];
  /** Extra log record processors (the demo's terminal view, tests). */
  processors?: LogRecordProcessor[];
  /** Events go through a durable on-disk spool in `dir` before export (at-least-once); without it, in memory. */
  spool?: { dir: string; maxBytes: number; onDrop?: (count: number, reason: DropReason) => void };
  /** Where the spool reports export failures and drops. */
  log?: Log;
}

/** The OpenTelemetry providers of one agent process. */
export interface TelemetrySdk {
  readonly meter: Meter;
  /** Gauges read from the agent's state at each collection, exported by every reader beside the meter's metrics. */
  readonly gauges: GaugeRegistry;
  readonly logger: Logger;
  readonly resource: Resource;
  /** Pushes what is pending; never rejects (failures go to the diag logger). */
  forceFlush(): Promise<void>;
  /** Flushes and stops the providers, giving up after `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void>;
}

/** Builds the resource: `service.name`, `service.version`, `service.instance.id` and the configured extras. */
export function buildResource(options: Pick<TelemetrySdkOptions, 'serviceName' | 'serviceVersion' | 'resource'>): Resource {
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
 * Series per metric the exporting reader keeps. The SDK's default (2,000) would fold every further series into one
 * `otel.metric.overflow` series from the 75th tenant on; the agent's series are bounded by its configuration
 * (tenants × services × states), so no limit of the SDK's own applies.
 */
export const SERIES_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Data points per metrics export request. Thousands of tenants make exports of hundreds of MB: in requests of this
 * size (about 2 MB of protobuf) they stay under collectors' request limits (the OpenTelemetry Collector refuses
 * bodies over 20 MiB by default), the encoding buffer stays small and polls run between two requests.
 */
export const EXPORT_BATCH_POINTS = 10_000;

function createMetricExporter(exporter: ExporterConfig): PushMetricExporter {
  const options = {
    ...exporterOptions(exporter, 'metrics'),
    temporalityPreference:
      exporter.temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,
  };
  return exporter.protocol === 'http/json' ? new OTLPMetricExporterJson(options) : createProtobufMetricExporter(options);
}

function createMetricReader(exporter: ExporterConfig): IMetricReader {
  return new PeriodicExportingMetricReader({
    exporter: forgetUnobservedGauges(createMetricExporter(exporter)),
    exportIntervalMillis: exporter.intervalMs,
    exportTimeoutMillis: Math.min(exporter.timeoutMs, exporter.intervalMs),
    cardinalityLimits: { default: SERIES_LIMIT },
    maxExportBatchSize: EXPORT_BATCH_POINTS,
  });
}

function createLogProcessor(exporter: ExporterConfig, resource: Resource, options: TelemetrySdkOptions): LogRecordProcessor {
  const exportOptions = exporterOptions(exporter, 'logs');
  const logExporter = exporter.protocol === 'http/json' ? new OTLPLogExporterJson(exportOptions) : new OTLPLogExporterProto(exportOptions);
  if (!options.spool || !options.log) return new BatchLogRecordProcessor({ exporter: logExporter, scheduledDelayMillis: 1000 });
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

/** Wires the OTel SDK: OTLP/HTTP exporters (protobuf or JSON) for metrics and logs, plus any extra sinks. */
export function createTelemetrySdk(options: TelemetrySdkOptions): TelemetrySdk {
  const resource = buildResource(options);
  const processors = [...(options.exporter ? [createLogProcessor(options.exporter, resource, options)] : []), ...(options.processors ?? [])];
  const gauges = createGaugeProducer(resource, { name: INSTRUMENTATION_SCOPE, version: options.serviceVersion });
  // The OTLP reader exports the meter's instruments; the gauges go out beside it, in chunks as they are collected.
  // Other readers (the demo's view, tests) collect both at once.
  const readers = [
    ...(options.exporter ? [createMetricReader(options.exporter)] : []),
    ...(options.readers ?? []).map((reader) => withGauges(reader, gauges)),
  ];
  const gaugeExport = options.exporter
    ? startGaugeExport({ gauges, exporter: createMetricExporter(options.exporter), intervalMs: options.exporter.intervalMs, maxPoints: EXPORT_BATCH_POINTS })
    : undefined;
  const meterProvider = new MeterProvider({ resource, readers });
  const loggerProvider = new LoggerProvider({ resource, processors });
  return {
    meter: meterProvider.getMeter(INSTRUMENTATION_SCOPE, options.serviceVersion),
    gauges,
    logger: loggerProvider.getLogger(INSTRUMENTATION_SCOPE, options.serviceVersion),
    resource,
    async forceFlush() {
      await Promise.all([loggerProvider.forceFlush(), meterProvider.forceFlush(), gaugeExport?.forceFlush()]);
    },
    async shutdown(timeoutMs) {
      const done = Promise.all([loggerProvider.shutdown(), meterProvider.shutdown(), gaugeExport?.shutdown()]);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timerDelay(timeoutMs));
      });
      await Promise.race([done, deadline]);
      clearTimeout(timer);
    },
  };
}
