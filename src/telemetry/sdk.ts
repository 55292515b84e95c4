import { randomUUID } from 'node:crypto';
import type { Logger, Meter } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as OTLPMetricExporterJson,
} from '@opentelemetry/exporter-metrics-otlp-http';
import type { InstrumentationScope } from '@opentelemetry/core';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { exportTarget, exporterSecrets } from '../config/exporter.ts';
import type { ExporterConfig, OtlpSignal, Temporality } from '../config/types.ts';
import { ExportingReader } from './exporting-reader.ts';
import { createGaugeProducer, type GaugeProducer, type GaugeRegistry } from './gauge-producer.ts';
import { createProtobufMetricExporter } from './otlp/protobuf-metric-exporter.ts';
import { SILENT_LOG, type Log } from '../log.ts';
import { ExportWatch, type ExportChange, type UndeliveredExport } from './export-watch.ts';
import { scrubLog } from './diag-route.ts';
import { Outbox, type DropReason } from './outbox/outbox.ts';
import { OutboxSender } from './outbox/outbox-sender.ts';
import { sleep } from '../shared/sleep.ts';
import { waitAtMost } from '../shared/wait-at-most.ts';

export interface TelemetrySdkOptions {
  exporter: ExporterConfig | undefined;
  serviceName: string;
  serviceVersion: string;
  /** `service.instance.id`, unless `resource` sets it; absent: a random one (tests, benchmarks). */
  instanceId?: string;
  resource: Readonly<Record<string, string>>;
  /** Extra metric exporters (the demo's terminal view, tests), each sent every collection whole every `intervalMs`. */
  metricExporters?: { exporter: PushMetricExporter; intervalMs: number }[];
  /** Extra log record processors (the demo's terminal view, tests). */
  processors?: LogRecordProcessor[];
  /**
   * The outbox the events are exported from: its bound, whether the agent keeps its events in the state files
   * (`state.dir`: undelivered events then wait there for the next start), and where its drops are counted.
   */
  events?: { maxBytes: number; durable: boolean; onDrop?: (count: number, reason: DropReason) => void };
  /** Where export failures and the outbox's drops are reported (the exporter's header values scrubbed). */
  log?: Log;
  /** Told of each signal's exports starting to fail and recovering, instead of the log (the demo's view). */
  onExportChange?: (change: ExportChange) => void;
  /** The clock of the exports' state (failing since, last success): `Date.now` unless a test drives it. */
  clock?: () => number;
}

/** The OpenTelemetry providers of one agent process. */
export interface TelemetrySdk {
  readonly meter: Meter;
  /** Gauges read from the agent's state at each collection, exported to every exporter after the meter's metrics. */
  readonly gauges: GaugeRegistry;
  /** Emits to the extra log record processors; the OTLP export of events goes through {@link outbox}. */
  readonly logger: Logger;
  /** The events waiting to be exported over OTLP; undefined when nothing is exported. */
  readonly outbox: Outbox | undefined;
  /** The state of each signal's OTLP exports, for the status endpoint, and their tallies, for the export metrics. */
  readonly exports: Pick<ExportWatch, 'statuses' | 'tallies'>;
  /** Pushes what is pending; never rejects (failures are logged). */
  forceFlush(): Promise<void>;
  /**
   * Flushes and stops the providers, giving up after `timeoutMs` (no further request is started then; one in flight
   * is left to the end of the process). Resolves with what this last flush did not deliver: every signal an export
   * of which failed, events left in the outbox, and exports cut short by the bound. Never rejects.
   */
  shutdown(timeoutMs: number): Promise<UndeliveredExport[]>;
}

/**
 * Where one signal's OTLP exports go, and the options of the SDK's exporter for it. Every setting is given, so none
 * falls back to what the exporters read of the variables themselves (the headers they read they merge under these,
 * to the same result).
 */
function exporterOptions(exporter: ExporterConfig, signal: OtlpSignal) {
  const { url, headers, timeoutMs, compression, tls, protocol } = exportTarget(exporter, signal);
  const json = protocol === 'http/json';
  const options = {
    url,
    headers: { ...headers },
    timeoutMillis: timeoutMs,
    compression: compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    httpAgentOptions: { keepAlive: true, ...(tls && { ca: tls.ca, cert: tls.cert, key: tls.key?.reveal() }) },
  };
  const kind = signal === 'metrics' ? 'metric' : 'log';
  return { json, options, target: { signal, url, component: `otlp_http${json ? '_json' : ''}_${kind}_exporter` } };
}

const TEMPORALITY_PREFERENCES: Readonly<Record<Temporality, AggregationTemporalityPreference>> = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
};

/**
 * Data points per metrics export request. Thousands of tenants make exports of hundreds of MB: in requests of this
 * size (about 2 MB of protobuf) they stay under collectors' request limits (the OpenTelemetry Collector refuses
 * bodies over 20 MiB by default), the encoding buffer stays small and polls run between two requests.
 */
export const EXPORT_BATCH_POINTS = 10_000;

/** The OTLP metrics reader: its exporter's results watched, requests of {@link EXPORT_BATCH_POINTS} points. */
function createMetricReader(exporter: ExporterConfig, watch: ExportWatch, gauges: GaugeProducer): ExportingReader {
  const { json, options, target } = exporterOptions(exporter, 'metrics');
  const temporalityPreference = TEMPORALITY_PREFERENCES[exporter.temporality];
  return new ExportingReader({
    exporter: json
      ? new OTLPMetricExporterJson({ ...options, temporalityPreference })
      : createProtobufMetricExporter({ ...options, temporalityPreference }),
    watch: { watch, target },
    gauges,
    intervalMs: exporter.intervalMs,
    timeoutMs: exporter.exportTimeoutMs ?? Math.min(options.timeoutMillis, exporter.intervalMs),
    maxPoints: EXPORT_BATCH_POINTS,
  });
}

/** The outbox of events and its sender, exporting with the SDK's OTLP log exporter. */
function createEventExport(
  exporter: ExporterConfig,
  context: { resource: Resource; scope: InstrumentationScope; log: Log; watch: ExportWatch },
  events: TelemetrySdkOptions['events'],
) {
  const { json, options, target } = exporterOptions(exporter, 'logs');
  const logExporter = json ? new OTLPLogExporterJson(options) : new OTLPLogExporterProto(options);
  const outbox = new Outbox({
    maxBytes: events?.maxBytes ?? 64 * 1024 * 1024,
    log: context.log,
    clock: Date.now,
    onDrop: events?.onDrop,
  });
  const sender = new OutboxSender({ ...context, outbox, exporter: logExporter, target, sleep });
  sender.start();
  return { outbox, sender, exporter: logExporter, url: options.url };
}

/** Time kept, within a shutdown's bound, to stop the event sender and its exporter. */
const EVENTS_CLOSE_RESERVE_MS = 500;

/** Bound on waiting for the outbox to drain in {@link TelemetrySdk.forceFlush}. */
const EVENTS_FLUSH_MS = 5_000;

/**
 * Wires the OTel SDK: OTLP/HTTP exporters (protobuf or JSON) for metrics and, from the outbox, events; plus any
 * extra sinks, which see every event as it is emitted.
 */
export function createTelemetrySdk(options: TelemetrySdkOptions): TelemetrySdk {
  // The SDK's own resource gives the `telemetry.sdk.*` attributes.
  const resource = defaultResource().merge(
    resourceFromAttributes({
      'service.instance.id': options.instanceId ?? randomUUID(),
      ...options.resource,
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
    }),
  );
  const log = scrubLog(options.log ?? SILENT_LOG, options.exporter ? exporterSecrets(options.exporter) : []);
  const watch = new ExportWatch({
    log,
    clock: options.clock ?? Date.now,
    repeatMs: 60_000,
    // Readiness: a signal whose exports have failed for 3 export intervals, and at least 2 minutes, is failing.
    failingAfterMs: options.exporter && Math.max(3 * options.exporter.intervalMs, 120_000),
    onChange: options.onExportChange,
  });
  const scope = { name: 'm365-health', version: options.serviceVersion };
  const events =
    options.exporter && createEventExport(options.exporter, { resource, scope, log, watch }, options.events);
  const gauges = createGaugeProducer(resource, scope);
  const readers = (options.metricExporters ?? []).map(
    (sink) => new ExportingReader({ ...sink, gauges, timeoutMs: sink.intervalMs, maxPoints: Infinity }),
  );
  if (options.exporter) readers.unshift(createMetricReader(options.exporter, watch, gauges));
  const meterProvider = new MeterProvider({ resource, readers });
  const loggerProvider = new LoggerProvider({ resource, processors: options.processors ?? [] });
  return {
    meter: meterProvider.getMeter(scope.name, scope.version),
    gauges,
    logger: loggerProvider.getLogger(scope.name, scope.version),
    outbox: events?.outbox,
    exports: watch,
    async forceFlush() {
      await Promise.all([
        loggerProvider.forceFlush(),
        events?.sender.flush(EVENTS_FLUSH_MS),
        meterProvider.forceFlush(),
      ]);
    },
    async shutdown(timeoutMs) {
      watch.forgetFailures();
      let metricsFlushed = false;
      const metrics = Promise.allSettled([meterProvider.shutdown()]).then(() => (metricsFlushed = true));
      const logs = Promise.allSettled([loggerProvider.shutdown(), events && stopEvents(events, timeoutMs)]);
      await waitAtMost(Promise.all([logs, metrics]), timeoutMs);
      if (!metricsFlushed) for (const reader of readers) reader.abort();
      watch.close();
      if (!options.exporter) return [];
      const undelivered = watch.undelivered().filter((u) => u.signal !== 'logs');
      if (!metricsFlushed)
        undelivered.push({
          signal: 'metrics',
          url: exportTarget(options.exporter, 'metrics').url,
          reason: `not flushed within ${timeoutMs} ms`,
        });
      const pending = events && undeliveredEvents(events, watch, options.events?.durable ?? false);
      return pending ? [...undelivered, pending] : undelivered;
    },
  };
}

type EventExport = ReturnType<typeof createEventExport>;

/** Sends what the outbox holds within the bound (less a reserve), then stops the sender and the exporter. */
async function stopEvents(events: EventExport, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const left = () => Math.max(0, deadline - performance.now());
  await events.sender.flush(Math.max(0, timeoutMs - EVENTS_CLOSE_RESERVE_MS));
  await waitAtMost(events.sender.stop(), left());
  await waitAtMost(
    events.exporter.shutdown().catch(() => undefined),
    left(),
  );
}

/** Events left in the outbox after the last flush, with the reason the collector gave since the last success. */
function undeliveredEvents(events: EventExport, watch: ExportWatch, durable: boolean): UndeliveredExport | undefined {
  const count = events.outbox.pendingCount;
  if (count === 0) return undefined;
  const state = watch.statuses().find((status) => status.signal === 'events');
  const failure = state?.failingSince === undefined ? undefined : state.lastFailure;
  const status = failure?.status;
  const left = durable ? 'stay in the state files for the next start' : 'are lost (no state.dir)';
  const reason = `${failure?.reason ?? 'still being sent when the agent stopped'}; ${count} events ${left}`;
  return { signal: 'logs', url: events.url, reason, ...(status === undefined ? {} : { status }) };
}
