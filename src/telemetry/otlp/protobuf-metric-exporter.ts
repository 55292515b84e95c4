import { OTLPMetricExporterBase, type OTLPMetricExporterOptions } from '@opentelemetry/exporter-metrics-otlp-http';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
  type OTLPExporterNodeConfigBase,
} from '@opentelemetry/otlp-exporter-base/node-http';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { EncodedRequest, MetricsEncoder } from './metrics-encoder.ts';
import { countPoints } from './metric-batches.ts';

/**
 * What a collector said of a request it accepted only in part, or with a warning: the `partial_success` of an OTLP
 * export response. The client must not retry such a request: the rest of it was taken.
 */
export interface PartialSuccess {
  /** Data points the collector rejected; 0 for a warning only. */
  readonly rejected: number;
  /** The collector's message, `''` when it gave none. */
  readonly message: string;
}

/** An export's result, with the collector's partial success when its answer carried one. */
export type ExportAnswer = ExportResult & { readonly partialSuccess?: PartialSuccess };

/** The protobuf exporter, which also sends requests its encoder wrote beforehand (`startGaugeRequest`). */
export interface ProtobufMetricExporter extends PushMetricExporter {
  readonly encoder: MetricsEncoder;
  export(request: ResourceMetrics | EncodedRequest, done: (result: ExportAnswer) => void): void;
}

/** Whether `exporter` is a {@link ProtobufMetricExporter}. */
export function isProtobufMetricExporter(exporter: PushMetricExporter): exporter is ProtobufMetricExporter {
  return 'encoder' in exporter;
}

/**
 * The OTLP/HTTP protobuf metrics exporter of the OpenTelemetry SDK (same transport, retries, compression and
 * options) with {@link MetricsEncoder}, which encodes each attribute once instead of once per point.
 * Its results carry the collector's partial success ({@link ExportAnswer}), which the SDK would only tell its diag
 * logger.
 */
export function createProtobufMetricExporter(
  config: OTLPExporterNodeConfigBase & OTLPMetricExporterOptions,
): ProtobufMetricExporter {
  const encoder = new MetricsEncoder();
  let answered: PartialSuccess | undefined;
  const serializer = {
    serializeRequest: (request: ResourceMetrics | EncodedRequest) =>
      request instanceof EncodedRequest ? request.bytes : encoder.encode(request),
    // Read just before the SDK reports the same response's success (synchronously), which picks it up below.
    deserializeResponse: (body: Uint8Array) => {
      answered = readPartialSuccess(body);
      return {};
    },
  };
  const countItems = (request: ResourceMetrics | EncodedRequest) =>
    request instanceof EncodedRequest ? request.points : countPoints(request);
  const options = convertLegacyHttpOptions(config, 'METRICS', 'v1/metrics', {
    'Content-Type': 'application/x-protobuf',
  });
  const delegate = createOtlpHttpExportDelegate(
    options,
    serializer,
    'otlp_http_metric_exporter',
    { name: 'metric_data_point', countItems },
    undefined,
  );
  const send = delegate.export.bind(delegate);
  delegate.export = (request, done: (result: ExportAnswer) => void) =>
    send(request, (result) => {
      const partialSuccess = answered;
      answered = undefined;
      done(partialSuccess && result.code === ExportResultCode.SUCCESS ? { ...result, partialSuccess } : result);
    });
  return Object.assign(new OTLPMetricExporterBase(delegate, config), { encoder });
}

/**
 * The `partial_success` of an OTLP/protobuf `ExportMetricsServiceResponse`; `undefined` when absent or empty (a full
 * success). An answer that cannot be read is a warning: the request was taken.
 */
export function readPartialSuccess(body: Uint8Array): PartialSuccess | undefined {
  try {
    const { partialSuccess } = ProtobufMetricsSerializer.deserializeResponse(body);
    const rejected = Number(partialSuccess?.rejectedDataPoints ?? 0);
    const message = partialSuccess?.errorMessage ?? '';
    return rejected === 0 && message === '' ? undefined : { rejected, message };
  } catch (error) {
    return { rejected: 0, message: `the collector's answer could not be read: ${(error as Error).message}` };
  }
}
