import { ValueType, type Attributes, type Counter, type Meter } from '@opentelemetry/api';
import { isStale, type TenantStatus } from '../observation/tenant-status.ts';
import { HEALTH_UNKNOWN, type ServiceStatus } from '../health/model.ts';
import { STATE_SET_STATUSES } from '../health/status.ts';
import { findMetric, METRICS, type MetricDefinition } from '../catalogue/catalogue.ts';
import type { AttributeParts } from './otlp/attribute-parts.ts';
import type { GaugeRegistry } from './gauge-producer.ts';
import { CLASSIFICATIONS, SeriesParts } from './series-parts.ts';
import * as sc from '../catalogue/semconv.ts';

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
 * Creates every enabled instrument of the catalogue: gauges registered in `registry`, read from the current state at
 * each collection (no per-series storage: what thousands of tenants need); counters created on `meter` and returned
 * as {@link Recorders}. The gauges' attribute parts are made once for the life of these instruments
 * ({@link SeriesParts}).
 */
export function registerInstruments(
  meter: Meter,
  source: TelemetrySource,
  isEnabled: (name: string) => boolean,
  registry: GaugeRegistry,
): Recorders {
  const enabled = METRICS.filter((metric) => isEnabled(metric.name) && !PROCESS_METRICS.has(metric.name));
  const gaugeMetrics = enabled.filter((metric) => metric.instrument === 'gauge');
  const counters = new Map<string, Counter>();
  const parts = new SeriesParts();
  for (const metric of enabled) {
    if (metric.instrument !== 'gauge')
      counters.set(metric.name, meter.createCounter(metric.name, instrumentOptions(metric)));
  }
  if (gaugeMetrics.length > 0) {
    registry.register(
      gaugeMetrics.map((metric) => ({ name: metric.name, ...instrumentOptions(metric) })),
      () => source.tenants(),
      (status, observe) => observeStatus(status, source.clock(), observe, parts),
    );
  }
  const pollErrors = counters.get(sc.METRIC_POLL_ERRORS);
  const graphRequests = counters.get(sc.METRIC_GRAPH_REQUESTS);
  return {
    recordPollError: (status, errorType) =>
      pollErrors?.add(1, { ...tenantAttributes(status), [sc.ATTR_ERROR_TYPE]: errorType }),
    recordGraphResponse: (status, httpStatus) =>
      graphRequests?.add(1, { ...tenantAttributes(status), [sc.ATTR_HTTP_STATUS_CODE]: httpStatus }),
  };
}

/**
 * The `m365.events.dropped` counter, for the event spool's `onDrop`: `(count, reason) => void`. Process-wide, so
 * without tenant attributes; a no-op when the metric is turned off.
 */
export function createEventsDroppedRecorder(
  meter: Meter,
  isEnabled: (name: string) => boolean,
): (count: number, reason: string) => void {
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

function observeStatus(status: TenantStatus, now: number, observe: Observe, parts: SeriesParts): void {
  observeTenant(status, now, observe, parts);
  observeServices(status, now, observe, parts);
}

type Observe = (name: string, value: number, attributes: Attributes | AttributeParts) => void;

/** Index of the `other` state, which a status outside the state set reports. */
const OTHER_STATE = STATE_SET_STATUSES.indexOf('other' satisfies ServiceStatus);

function observeTenant(status: TenantStatus, now: number, observe: Observe, parts: SeriesParts): void {
  const attributes = parts.tenant(status.tenant);
  if (status.lastPollDurationMs !== undefined)
    observe(sc.METRIC_POLL_DURATION, status.lastPollDurationMs / 1000, attributes);
  if (status.lastPollOk !== undefined) observe(sc.METRIC_POLL_SUCCESS, status.lastPollOk ? 1 : 0, attributes);
  if (status.lastSuccessAt !== undefined) observe(sc.METRIC_DATA_AGE, (now - status.lastSuccessAt) / 1000, attributes);
  const expiresAt = status.tokenExpiresAt();
  if (expiresAt !== undefined) observe(sc.METRIC_TOKEN_EXPIRY, Math.max(0, (expiresAt - now) / 1000), attributes);
}

function observeServices(status: TenantStatus, now: number, observe: Observe, parts: SeriesParts): void {
  if (status.views === undefined) return;
  const stale = isStale(status, now);
  const [tenant] = parts.tenant(status.tenant) as [Readonly<Attributes>];
  const states = parts.states;
  const classifications = parts.classifications;
  for (const view of status.views) {
    const service = parts.service(view);
    observe(sc.METRIC_SERVICE_HEALTH, stale ? HEALTH_UNKNOWN : view.health, [tenant, service]);
    const index = STATE_SET_STATUSES.indexOf(view.status);
    const current = index < 0 ? OTHER_STATE : index;
    for (let i = 0; i < states.length; i++) {
      observe(sc.METRIC_SERVICE_STATUS, i === current ? 1 : 0, [tenant, service, states[i]]);
    }
    for (let i = 0; i < CLASSIFICATIONS.length; i++) {
      const count = countIssues(view.openIssues, CLASSIFICATIONS[i]);
      observe(sc.METRIC_SERVICE_ISSUES, count, [tenant, service, classifications[i]]);
    }
    for (const feature of view.features) {
      const health = stale ? HEALTH_UNKNOWN : feature.health;
      observe(sc.METRIC_FEATURE_HEALTH, health, [tenant, service, parts.feature(feature)]);
    }
  }
}

function countIssues(issues: readonly { classification: string }[], classification: string): number {
  let count = 0;
  for (const issue of issues) if (issue.classification === classification) count++;
  return count;
}
