import type { AttributeValue } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import * as sc from '../../catalogue/semconv.ts';

type Style = (text: string) => string;

/** ANSI styles, or plain text when the terminal has no colour. */
function createStyles(colour: boolean): Record<'red' | 'yellow' | 'green' | 'grey' | 'bold', Style> {
  const wrap =
    (code: number): Style =>
    (text) =>
      colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), grey: wrap(90), bold: wrap(1) };
}

interface ServiceRow {
  tenant: string;
  service: string;
  health: number;
  status: string;
  incidents: number;
  advisories: number;
}

interface TenantRow {
  pollOk: number | undefined;
  duration: number | undefined;
}

/** Groups the exported data points into one row per service and one per tenant. */
function collectRows(metrics: ResourceMetrics): { services: ServiceRow[]; tenants: Map<string, TenantRow> } {
  const services = new Map<string, ServiceRow>();
  const tenants = new Map<string, TenantRow>();
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        const a = point.attributes;
        // Process-wide points (the fleet gauges, the exporter's own) have no row of their own.
        if (a[sc.ATTR_TENANT_NAME] === undefined) continue;
        const tenant = attributeText(a[sc.ATTR_TENANT_NAME]);
        const value = typeof point.value === 'number' ? point.value : 0;
        const tenantRow = tenants.get(tenant) ?? { pollOk: undefined, duration: undefined };
        tenants.set(tenant, tenantRow);
        if (metric.descriptor.name === sc.METRIC_POLL_SUCCESS) tenantRow.pollOk = value;
        if (metric.descriptor.name === sc.METRIC_POLL_DURATION) tenantRow.duration = value;
        if (a[sc.ATTR_SERVICE_ID] === undefined) continue;
        const key = `${tenant}\u0000${attributeText(a[sc.ATTR_SERVICE_ID])}`;
        const row = services.get(key) ?? {
          tenant,
          service: attributeText(a[sc.ATTR_SERVICE_NAME]),
          health: 0,
          status: '',
          incidents: 0,
          advisories: 0,
        };
        services.set(key, row);
        if (metric.descriptor.name === sc.METRIC_SERVICE_HEALTH) row.health = value;
        if (metric.descriptor.name === sc.METRIC_SERVICE_STATUS && value === 1)
          row.status = attributeText(a[sc.ATTR_SERVICE_STATE]);
        if (metric.descriptor.name === sc.METRIC_SERVICE_ISSUES) {
          if (a[sc.ATTR_ISSUE_CLASSIFICATION] === 'incident') row.incidents = value;
          else row.advisories = value;
        }
      }
    }
  }
  return { services: [...services.values()], tenants };
}

/** An attribute as the table shows it: the gauges set tenant, service and status as strings (absent: `undefined`). */
function attributeText(value: AttributeValue): string {
  return typeof value === 'string' ? value : String(value);
}

const HEALTH_LABELS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];

/** Renders one export as text: per tenant a summary line, then every service that is not ok. */
function renderMetrics(metrics: ResourceMetrics, styles: ReturnType<typeof createStyles>, now: Date): string {
  const { services, tenants } = collectRows(metrics);
  const colourOf = [styles.green, styles.yellow, styles.red, styles.grey];
  const lines = [styles.grey(`── ${now.toISOString().slice(11, 19)} gauges ${'─'.repeat(50)}`)];
  for (const [tenant, row] of tenants) {
    const own = services.filter((s) => s.tenant === tenant);
    const counts = [0, 1, 2, 3].map((h) => own.filter((s) => s.health === h).length);
    const summary = counts
      .map((n, h) => (n > 0 ? colourOf[h](`${n} ${HEALTH_LABELS[h].toLowerCase()}`) : ''))
      .filter(Boolean)
      .join(', ');
    const poll =
      row.pollOk === undefined
        ? 'not polled yet'
        : row.pollOk === 1
          ? `poll ok ${(row.duration ?? 0).toFixed(2)} s`
          : styles.red('last poll failed');
    lines.push(`${styles.bold(tenant.padEnd(12))} ${own.length} services: ${summary || 'none yet'} | ${poll}`);
    for (const s of own.filter((service) => service.health !== 0)) {
      const issues = [s.incidents ? `${s.incidents} incident` : '', s.advisories ? `${s.advisories} advisory` : '']
        .filter(Boolean)
        .join(', ');
      lines.push(
        `  ${colourOf[s.health](HEALTH_LABELS[s.health].padEnd(9))} ${s.service.padEnd(34)} ${s.status.padEnd(20)} ${issues}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The demo's terminal view: a metric exporter that prints the gauges at every export, and a log record processor
 * that prints each event the moment it is emitted.
 */
export function createTerminalView(
  write: (text: string) => void,
  colour: boolean,
): { exporter: PushMetricExporter; printer: LogRecordProcessor } {
  const styles = createStyles(colour);
  const nothingToFlush = async (): Promise<void> => {};
  const exporter: PushMetricExporter = {
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
      write(renderMetrics(metrics, styles, new Date()));
      resultCallback({ code: ExportResultCode.SUCCESS });
    },
    forceFlush: nothingToFlush,
    shutdown: nothingToFlush,
  };
  const printer: LogRecordProcessor = {
    onEmit(record: ReadWriteLogRecord): void {
      const severity = record.severityText ?? '';
      const style = severity === 'ERROR' ? styles.red : severity === 'WARN' ? styles.yellow : styles.green;
      const time = new Date(record.hrTime[0] * 1000).toISOString().slice(11, 19);
      const body = String(record.body)
        .split('\n')
        .filter((line) => line.trim() !== '')
        .join('\n               ');
      write(`${time} ${style(`EVENT ${severity.padEnd(5)}`)} ${record.eventName ?? ''}  ${body}\n`);
    },
    forceFlush: nothingToFlush,
    shutdown: nothingToFlush,
  };
  return { exporter, printer };
}
