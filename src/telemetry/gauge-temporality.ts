import { AggregationTemporality, InstrumentType, type PushMetricExporter } from '@opentelemetry/sdk-metrics';

/**
 * Makes `exporter` collect observable gauges with delta temporality, keeping its choice for other instruments.
 * OTLP gauges carry no temporality, so nothing changes on the wire but this: with cumulative temporality the SDK
 * goes on exporting the last value of every gauge series it ever saw, so a tenant removed by a configuration
 * reload would stay in the gauges; with delta, a series the callback no longer observes leaves the next export.
 */
export function forgetUnobservedGauges<T extends PushMetricExporter>(exporter: T): T {
  const select = exporter.selectAggregationTemporality?.bind(exporter);
  exporter.selectAggregationTemporality = (type: InstrumentType) =>
    type === InstrumentType.OBSERVABLE_GAUGE
      ? AggregationTemporality.DELTA
      : (select?.(type) ?? AggregationTemporality.CUMULATIVE);
  return exporter;
}
