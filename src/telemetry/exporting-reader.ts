import { diag } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InstrumentType,
  MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { exportWithin, type ExportTarget, type ExportWatch } from './export-watch.ts';
import { GaugeChunk, type GaugeProducer } from './gauge-producer.ts';
import { countPoints, joinMetrics, splitByPoints } from './otlp/metric-batches.ts';
import { EncodedRequest } from './otlp/metrics-encoder.ts';
import { isProtobufMetricExporter, type ProtobufMetricExporter } from './otlp/protobuf-metric-exporter.ts';

/**
 * Series per metric a reader keeps. The SDK's default (2,000) would fold every further series into one
 * `otel.metric.overflow` series from the 75th tenant on; the agent's series are bounded by its configuration
 * (tenants × services × states), so no limit of the SDK's own applies.
 */
const SERIES_LIMIT = Number.MAX_SAFE_INTEGER;

export interface ExportingReaderOptions {
  exporter: PushMetricExporter;
  gauges: GaugeProducer;
  intervalMs: number;
  /** Bound on collecting the SDK's instruments, and on waiting for the answer to each request. */
  timeoutMs: number;
  /** Points per export request; `Infinity` for an exporter that takes each collection whole (a view of it). */
  maxPoints: number;
  /** Where the result of each export is reported (the OTLP exporter's), with the points (and bytes) it carried. */
  watch?: { watch: ExportWatch; target: ExportTarget };
}

/**
 * How metrics leave the agent, whatever the exporter (OTLP protobuf or JSON, the demo's view, tests): every interval
 * and at each flush, the gauges in chunks of about `maxPoints` points as they are collected, each sent before the next
 * is collected, then the SDK's instruments (the counters) in requests of at most as many. The last chunk and the
 * first of those go as one when both fit, so an exporter taking whole collections gets one export per collection.
 *
 * A reader of our own because the SDK's `PeriodicExportingMetricReader` collects everything before it exports:
 * ten thousand tenants' million gauge points would all be in memory at once, and no poll would run until they were
 * encoded. Beside it, the gauges needed a second exporter and timer per endpoint, and other readers a third way to
 * get them; here every exporter gets both the same way, one timer and one exporter per endpoint. A refused request
 * ends that export (the collector is down or refusing: the next interval sends everything again).
 */
export class ExportingReader extends MetricReader {
  readonly #options: ExportingReaderOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #aborted = false;

  constructor(options: ExportingReaderOptions) {
    const { exporter } = options;
    super({
      aggregationSelector: exporter.selectAggregation?.bind(exporter),
      // OTLP gauges carry no temporality, so this changes nothing on the wire but this: with cumulative temporality
      // the SDK goes on exporting the last value of every observable gauge series it ever saw; with delta, a series
      // no longer observed (a tenant removed by a reload) leaves the next export. Other instruments: the exporter's.
      aggregationTemporalitySelector: (type) =>
        type === InstrumentType.OBSERVABLE_GAUGE
          ? AggregationTemporality.DELTA
          : (exporter.selectAggregationTemporality?.(type) ?? AggregationTemporality.CUMULATIVE),
      cardinalitySelector: () => SERIES_LIMIT,
    });
    this.#options = options;
  }

  /** Stops the timer and sends no further request (the shutdown bound ran out); the request in flight is left. */
  abort(): void {
    this.#aborted = true;
    clearInterval(this.#timer);
  }

  protected override onInitialized(): void {
    this.#timer = setInterval(() => void this.#run(), this.#options.intervalMs);
    this.#timer.unref();
  }

  protected override async onForceFlush(): Promise<void> {
    await this.#running;
    await this.#run();
    await this.#options.exporter.forceFlush();
  }

  protected override async onShutdown(): Promise<void> {
    clearInterval(this.#timer);
    await this.onForceFlush();
    await this.#options.exporter.shutdown();
  }

  /** Starts an export unless one is under way; resolves when the one under way ends. */
  #run(): Promise<void> {
    if (this.#aborted) return Promise.resolve();
    this.#running ??= this.#exportAll()
      .catch((error: unknown) => diag.error('metrics export failed', error))
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  async #exportAll(): Promise<void> {
    const { exporter, gauges, maxPoints, timeoutMs } = this.#options;
    let held: ResourceMetrics | undefined;
    if (isProtobufMetricExporter(exporter)) {
      // Each chunk written straight into its request as it is observed.
      const { encoder } = exporter;
      for await (const { chunk, errors } of gauges.collect(maxPoints, (...head) =>
        encoder.startGaugeRequest(...head),
      )) {
        reportErrors(errors);
        if (chunk.points > 0 && !(await this.#send(chunk))) return;
      }
    } else {
      // Each chunk is held until the next is collected: the last may be joined by the meter's metrics.
      for await (const { chunk, errors } of gauges.collect(maxPoints, (...head) => new GaugeChunk(...head))) {
        reportErrors(errors);
        if (chunk.scopeMetrics.length === 0) continue;
        if (held !== undefined && !(await this.#send(held))) return;
        held = chunk;
      }
    }
    const { resourceMetrics, errors } = await this.collect({ timeoutMillis: timeoutMs });
    reportErrors(errors);
    const batches = splitByPoints(resourceMetrics, maxPoints);
    if (held !== undefined && batches.length > 0 && countPoints(held) + countPoints(batches[0]) <= maxPoints)
      batches[0] = joinMetrics(held, batches[0]);
    else if (held !== undefined) batches.unshift(held);
    for (const batch of batches) if (!(await this.#send(batch))) return;
  }

  /** Sends one request, within `timeoutMs` ({@link exportWithin}); whether the next may follow. */
  async #send(request: ResourceMetrics | EncodedRequest): Promise<boolean> {
    if (this.#aborted) return false;
    const { watch, timeoutMs } = this.#options;
    const exporter = this.#options.exporter as ProtobufMetricExporter;
    const fields =
      request instanceof EncodedRequest
        ? { points: request.points, bytes: request.bytes.length }
        : { points: countPoints(request) };
    const result = await exportWithin((done) => {
      const attempt = watch?.watch.begin(watch.target);
      exporter.export(request, (answer) => {
        attempt?.end(answer, fields);
        done(answer);
      });
    }, timeoutMs);
    // The OTLP exporter's results are logged by the export watch; this line is for the other exporters.
    if (result.code !== ExportResultCode.SUCCESS) diag.debug('metrics export failed', result.error);
    return result.code === ExportResultCode.SUCCESS;
  }
}

function reportErrors(errors: unknown[]): void {
  if (errors.length > 0) diag.error('metrics collection errors', ...errors);
}
