import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { countPoints } from './otlp/metric-batches.ts';
import { EncodedRequest } from './otlp/metrics-encoder.ts';
import type { ProtobufMetricExporter } from './otlp/protobuf-metric-exporter.ts';
import { timerDelay } from '../shared/timer-delay.ts';
import type { ExportTarget, ExportWatch } from './export-watch.ts';

/** Reports every export of `exporter` (pre-encoded requests too, for the protobuf one) to `watch`. */
export function watchMetricExporter<T extends PushMetricExporter>(
  exporter: T,
  watch: ExportWatch,
  target: ExportTarget,
): T {
  const send: ProtobufMetricExporter['export'] = exporter.export.bind(exporter);
  exporter.export = (request: ResourceMetrics | EncodedRequest, done) => {
    const attempt = watch.begin(target);
    send(request, (result) => {
      const fields =
        request instanceof EncodedRequest
          ? { points: request.points, bytes: request.bytes.length }
          : { points: countPoints(request) };
      attempt.end(result, fields);
      done(result);
    });
  };
  return exporter;
}

/**
 * The result `send` gives to its callback, or a failure after `timeoutMs` without one: an exporter's own timeout is
 * a socket idle timeout, so a collector (or proxy) that trickles its answer would otherwise hold every later export
 * for ever. The request itself is left to finish or fail on its own. A throw is a failure too.
 */
export function exportWithin(send: (done: (result: ExportResult) => void) => void, timeoutMs: number) {
  return new Promise<ExportResult>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ code: ExportResultCode.FAILED, error: new Error(`export did not finish within ${timeoutMs} ms`) });
    }, timerDelay(timeoutMs));
    const finish = (result: ExportResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    try {
      send(finish);
    } catch (error) {
      finish({ code: ExportResultCode.FAILED, error: error as Error });
    }
  });
}
