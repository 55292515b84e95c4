import type { Attributes, Meter, ObservableCounter } from '@opentelemetry/api';
import { findMetric } from '../catalogue/catalogue.ts';
import * as sc from '../catalogue/semconv.ts';
import type { ExportTally } from './export-watch.ts';
import { instrumentOptions } from './instruments.ts';

/**
 * Registers the export metrics (`otel.sdk.exporter.metric_data_point.exported`, `otel.sdk.exporter.log.exported`,
 * `m365.export.requests`) that are enabled, read from `tallies` at each collection. A collection counts the exports
 * finished before it: an export's own outcome is in the next one, and while every export fails the counts reach the
 * collector with the first export it accepts again.
 */
export function registerExportMetrics(
  meter: Meter,
  tallies: () => readonly ExportTally[],
  isEnabled: (name: string) => boolean,
): void {
  const create = (name: string): ObservableCounter | undefined => {
    const metric = findMetric(name);
    return metric && isEnabled(name) ? meter.createObservableCounter(name, instrumentOptions(metric)) : undefined;
  };
  const requests = create(sc.METRIC_EXPORT_REQUESTS);
  const points = create(sc.METRIC_EXPORTER_DATA_POINTS);
  const records = create(sc.METRIC_EXPORTER_LOG_RECORDS);
  const instruments = [requests, points, records].filter((counter) => counter !== undefined);
  if (instruments.length === 0) return;
  meter.addBatchObservableCallback((result) => {
    for (const tally of tallies()) {
      const attributes: Attributes = {
        [sc.ATTR_OTEL_COMPONENT_TYPE]: tally.component,
        // One exporter of each type per process: the conventions' `<type>/<instance>` names it.
        [sc.ATTR_OTEL_COMPONENT_NAME]: `${tally.component}/0`,
        ...(tally.errorType === undefined ? {} : { [sc.ATTR_ERROR_TYPE]: tally.errorType }),
      };
      if (requests && tally.requests > 0) result.observe(requests, tally.requests, attributes);
      const items = tally.signal === 'metrics' ? points : records;
      if (items) result.observe(items, tally.items, attributes);
    }
  }, instruments);
}
