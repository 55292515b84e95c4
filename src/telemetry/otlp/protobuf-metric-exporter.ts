import { OTLPMetricExporterBase, type OTLPMetricExporterOptions } from '@opentelemetry/exporter-metrics-otlp-http';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
  type OTLPExporterNodeConfigBase,
} from '@opentelemetry/otlp-exporter-base/node-http';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ExportResult } from '@opentelemetry/core';
import { createMetricsEncoder, EncodedRequest, type MetricsEncoder } from './metrics-encoder.ts';
import { countPoints } from './metric-batches.ts';

/** The protobuf exporter, which also sends requests its encoder wrote beforehand. */
export interface ProtobufMetricExporter extends PushMetricExporter {
  readonly encoder: MetricsEncoder;
  /** Sends a request written by {@link encoder} (`startGaugeRequest`), like `export` the same points. */
  exportEncoded(request: EncodedRequest, done: (result: ExportResult) => void): void;
}

/** Whether `exporter` is a {@link ProtobufMetricExporter}. */
export function isProtobufMetricExporter(exporter: PushMetricExporter): exporter is ProtobufMetricExporter {
  return 'exportEncoded' in exporter;
}

/**
 * The OTLP/HTTP protobuf metrics exporter of the OpenTelemetry SDK (same transport, retries, compression and
 * options) with {@link createMetricsEncoder}'s encoder, which encodes each attribute once instead of once per point.
 */
export function createProtobufMetricExporter(
  config: OTLPExporterNodeConfigBase & OTLPMetricExporterOptions,
): ProtobufMetricExporter {
  const encoder = createMetricsEncoder();
  const serializer = {
    serializeRequest: (request: ResourceMetrics | EncodedRequest) =>
      request instanceof EncodedRequest ? request.bytes : encoder.encode(request),
    // Partial-success details are not read back: a collector's rejections show in its own logs and metrics.
    deserializeResponse: () => ({}),
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
  return Object.assign(new OTLPMetricExporterBase(delegate, config), {
    encoder,
    exportEncoded: (request: EncodedRequest, done: (result: ExportResult) => void) => delegate.export(request, done),
  });
}
