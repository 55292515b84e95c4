import { ValueType, type Attributes, type BatchObservableResult, type Counter, type Meter, type Observable } from '@opentelemetry/api';
import { isStale, type TenantStatus } from '../agent/tenant-status.ts';
import { HEALTH_UNKNOWN, type ServiceStatus } from '../health/model.ts';
import { STATE_SET_STATUSES } from '../health/status.ts';
import { findMetric, METRICS, type MetricDefinition } from './catalogue.ts';
import type { GaugeRegistry } from './gauge-producer.ts';
import * as sc from './semconv.ts';

/** Where the observable gauges read the agent's state from. */
export interface TelemetrySource {
  tenants(): Iterable<TenantStatus>;
  clock(): number;
}

/** The synchronous side of the instruments: counters the poller increments. */
export interface Recorders {
  recordPollError(status: TenantStatus, errorType: string): void;
  recordGraphResponse(status: TenantStatus, httpStatus: number): void;
}

/** Metrics of the process rather than of the tenants: created where their source is, not here. */
const PROCESS_METRICS: ReadonlySet<string> = new Set([sc.METRIC_EVENTS_DROPPED]);

/** Identity attributes of a tenant, on every data point (Datadog does not tag from resource attributes). */
export function tenantAttributes(status: TenantStatus): Attributes {
  return { [sc.ATTR_TENANT_ID]: status.tenant.tenantId, [sc.ATTR_TENANT_NAME]: status.tenant.name };
}

/**
 * Creates every enabled instrument of the catalogue: gauges read the current state at each collection, from
 * `registry` when given (no per-series storage: what thousands of tenants need) or else as observable gauges of
 * `meter` sharing one batch callback; counters are created on `meter` and returned as {@link Recorders}.
 */
export function registerInstruments(
  meter: Meter,
  source: TelemetrySource,
  isEnabled: (name: string) => boolean,
  registry?: GaugeRegistry,
): Recorders {
  const enabled = METRICS.filter((metric) => isEnabled(metric.name) && !PROCESS_METRICS.has(metric.name));
  const gaugeMetrics = enabled.filter((metric) => metric.instrument === 'gauge');
  const counters = new Map<string, Counter>();
  for (const metric of enabled) {
    if (metric.instrument !== 'gauge') counters.set(metric.name, meter.createCounter(metric.name, instrumentOptions(metric)));
  }
  if (gaugeMetrics.length > 0 && registry) {
    registry.register(
      gaugeMetrics.map((metric) => ({ name: metric.name, ...instrumentOptions(metric) })),
      () => source.tenants(),
      (status, observe) => observeStatus(status, source.clock(), observe),
    );
  } else if (gaugeMetrics.length > 0) {
    const gauges = new Map(gaugeMetrics.map((metric) => [metric.name, meter.createObservableGauge(metric.name, instrumentOptions(metric))]));
    meter.addBatchObservableCallback((result) => observeAll(observeInto(result, gauges), source), [...gauges.values()]);
  }
  const pollErrors = counters.get(sc.METRIC_POLL_ERRORS);
  const graphRequests = counters.get(sc.METRIC_GRAPH_REQUESTS);
  return {
    recordPollError: (status, errorType) => pollErrors?.add(1, { ...tenantAttributes(status), [sc.ATTR_ERROR_TYPE]: errorType }),
    recordGraphResponse: (status, httpStatus) =>
      graphRequests?.add(1, { ...tenantAttributes(status), [sc.ATTR_HTTP_STATUS_CODE]: httpStatus }),
  };
}

/**
 * The `m365.events.dropped` counter, for the event spool's `onDrop`: `(count, reason) => void`. Process-wide, so
 * without tenant attributes; a no-op when the metric is turned off.
 */
export function createEventsDroppedRecorder(meter: Meter, isEnabled: (name: string) => boolean): (count: number, reason: string) => void {
  const metric = findMetric(sc.METRIC_EVENTS_DROPPED);
  if (metric === undefined || !isEnabled(metric.name)) return () => {};
  const counter = meter.createCounter(metric.name, instrumentOptions(metric));
  return (count, reason) => counter.add(count, { [sc.ATTR_ERROR_TYPE]: reason });
}

function valueType(metric: MetricDefinition): ValueType {
  return metric.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE;
}

function instrumentOptions(metric: MetricDefinition) {
  return { unit: metric.unit, description: metric.description, valueType: valueType(metric) };
}

function observeInto(result: BatchObservableResult, gauges: ReadonlyMap<string, Observable>): Observe {
  return (name, value, attributes) => {
    const gauge = gauges.get(name);
    if (gauge) result.observe(gauge, value, attributes);
  };
}

function observeAll(observe: Observe, source: TelemetrySource): void {
  const now = source.clock();
  for (const status of source.tenants()) observeStatus(status, now, observe);
}

function observeStatus(status: TenantStatus, now: number, observe: Observe): void {
  observeTenant(status, now, observe);
  observeServices(status, now, observe);
}

type Observe = (name: string, value: number, attributes: Attributes) => void;

function observeTenant(status: TenantStatus, now: number, observe: Observe): void {
  const attributes = tenantAttributes(status);
  if (status.lastPollDurationMs !== undefined) observe(sc.METRIC_POLL_DURATION, status.lastPollDurationMs / 1000, attributes);
  if (status.lastPollOk !== undefined) observe(sc.METRIC_POLL_SUCCESS, status.lastPollOk ? 1 : 0, attributes);
  if (status.lastSuccessAt !== undefined) observe(sc.METRIC_DATA_AGE, (now - status.lastSuccessAt) / 1000, attributes);
  const expiresAt = status.tokenExpiresAt();
  if (expiresAt !== undefined) observe(sc.METRIC_TOKEN_EXPIRY, Math.max(0, (expiresAt - now) / 1000), attributes);
}

function observeServices(status: TenantStatus, now: number, observe: Observe): void {
  if (status.views === undefined) return;
  const stale = isStale(status, now);
  const tenant = tenantAttributes(status);
  for (const view of status.views) {
    const attributes = { ...tenant, [sc.ATTR_SERVICE_ID]: view.id, [sc.ATTR_SERVICE_NAME]: view.name };
    observe(sc.METRIC_SERVICE_HEALTH, stale ? HEALTH_UNKNOWN : view.health, attributes);
    const current: ServiceStatus = STATE_SET_STATUSES.includes(view.status) ? view.status : 'other';
    for (const state of STATE_SET_STATUSES) {
      observe(sc.METRIC_SERVICE_STATUS, state === current ? 1 : 0, { ...attributes, [sc.ATTR_SERVICE_STATUS]: state });
    }
    for (const classification of ['incident', 'advisory'] as const) {
      const count = view.openIssues.filter((issue) => issue.classification === classification).length;
      observe(sc.METRIC_SERVICE_ISSUES, count, { ...attributes, [sc.ATTR_ISSUE_CLASSIFICATION]: classification });
    }
    for (const feature of view.features) {
      const health = stale ? HEALTH_UNKNOWN : feature.health;
      observe(sc.METRIC_FEATURE_HEALTH, health, { ...attributes, [sc.ATTR_FEATURE_GROUP]: feature.group, [sc.ATTR_FEATURE_NAME]: feature.group });
    }
  }
}
