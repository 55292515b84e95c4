import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { GaugeProducer } from './gauge-producer.ts';
import { isProtobufMetricExporter, type ProtobufMetricExporter } from './otlp/protobuf-metric-exporter.ts';

/** The periodic export of the gauges, beside the SDK's reader. */
export interface GaugeExport {
  /** Exports the gauges now (after the export in progress, if any). */
  forceFlush(): Promise<void>;
  /** Stops the timer, exports a last time and shuts the exporter down. */
  shutdown(): Promise<void>;
  /** Stops the timer and sends no further request (the shutdown bound ran out); the request in flight is left. */
  abort(): void;
}

export interface GaugeExportOptions {
  gauges: GaugeProducer;
  exporter: PushMetricExporter;
  intervalMs: number;
  /** Points per export request. */
  maxPoints: number;
}

/** The result of an export call that reports it to a callback. */
function exported(send: (done: (result: ExportResult) => void) => void): Promise<ExportResult> {
  return new Promise(send);
}

function succeeded(result: ExportResult): boolean {
  if (result.code !== ExportResultCode.SUCCESS) diag.error('gauge export failed', result.error);
  return result.code === ExportResultCode.SUCCESS;
}

/**
 * Exports the gauges every interval, as they are collected, a request of about `maxPoints` points at a time: ten
 * thousand tenants' million points are never all in memory, and polls run between two requests. A failed request
 * ends that export (the collector is down or refusing: the next interval tries again); failures go to the diag
 * logger, like the SDK reader's.
 */
export function startGaugeExport(options: GaugeExportOptions): GaugeExport {
  let running: Promise<void> | undefined;
  let aborted = false;
  const { exporter } = options;
  async function exportAll(): Promise<void> {
    if (isProtobufMetricExporter(exporter)) return exportEncoded(exporter);
    for await (const chunk of options.gauges.collectChunks(options.maxPoints)) {
      if (aborted) return;
      if (chunk.errors.length > 0) diag.error('gauge collection errors', ...chunk.errors);
      if (chunk.resourceMetrics.scopeMetrics.length === 0) continue;
      if (!succeeded(await exported((done) => exporter.export(chunk.resourceMetrics, done)))) return;
    }
  }
  // The protobuf exporter's requests are written as the points are observed.
  async function exportEncoded(protobuf: ProtobufMetricExporter): Promise<void> {
    for await (const { request, errors } of options.gauges.collectRequests(options.maxPoints, protobuf.encoder)) {
      if (aborted) return;
      if (errors.length > 0) diag.error('gauge collection errors', ...errors);
      if (request.points === 0) continue;
      if (!succeeded(await exported((done) => protobuf.exportEncoded(request, done)))) return;
    }
  }
  function run(): Promise<void> {
    if (aborted) return Promise.resolve();
    running ??= exportAll()
      .catch((error: unknown) => diag.error('gauge export failed', error))
      .finally(() => {
        running = undefined;
      });
    return running;
  }
  const timer = setInterval(() => void run(), options.intervalMs);
  timer.unref();
  const forceFlush = async () => {
    await running;
    await run();
    await exporter.forceFlush();
  };
  return {
    forceFlush,
    async shutdown() {
      clearInterval(timer);
      await forceFlush();
      await exporter.shutdown();
    },
    abort() {
      aborted = true;
      clearInterval(timer);
    },
  };
}
