import { ValueType, type Attributes, type Meter } from '@opentelemetry/api';
import type { TenantConfig } from '../config/types.ts';
import type { Observation } from '../observation/observation.ts';
import type { ServiceStatus } from '../health/model.ts';
import {
  credentialLifetimeSeconds,
  dataAgeSeconds,
  isStale,
  shownHealth,
  tokenLifetimeSeconds,
} from '../health/staleness.ts';
import { STATE_SET_STATUSES } from '../health/status.ts';
import { HEALTH_WORDS, summarizeEstate, type EstateSummary } from '../health/estate.ts';
import { findMetric, METRICS, type MetricDefinition } from '../catalogue/catalogue.ts';
import type { GaugeRegistry, ObserveGauge } from './gauge-producer.ts';
import { CLASSIFICATIONS, SeriesParts } from './series-parts.ts';
import * as sc from '../catalogue/semconv.ts';

/** What the gauges read: the latest observation of each tenant, as a snapshot, and the time to judge them at. */
export interface TelemetrySource {
  observations(): readonly Observation[];
  clock(): number;
}

/** The synchronous side of the instruments: counters the poller increments. */
export interface Recorders {
  recordPollError(tenant: TenantConfig, errorType: string): void;
  recordGraphResponse(tenant: TenantConfig, httpStatus: number): void;
}

/**
 * Creates every enabled instrument of the catalogue: gauges and the status metric's UpDownCounter in `registry`,
 * reading the tenants' observations at each collection (no per-series storage: what thousands of tenants need);
 * counters on `meter`, returned as {@link Recorders}. The gauges' attribute parts are made once for the life of these
 * instruments ({@link SeriesParts}), and the counters' tenant part is the same.
 */
export function registerInstruments(
  meter: Meter,
  source: TelemetrySource,
  isEnabled: (name: string) => boolean,
  registry: GaugeRegistry,
): Recorders {
  const observed = METRICS.filter((metric) => metric.instrument !== 'counter' && isEnabled(metric.name));
  const isObserved = (name: string) => observed.some((metric) => metric.name === name);
  // The tenants' counters; the process's own are created where their sources are (createEventsDroppedRecorder,
  // registerExportMetrics).
  const counter = (name: string) => {
    const metric = findMetric(name);
    return metric && isEnabled(name) ? meter.createCounter(name, instrumentOptions(metric)) : undefined;
  };
  const fleet = observed.filter((metric) => FLEET_METRICS.has(metric.name));
  const perTenant = observed.filter((metric) => !FLEET_METRICS.has(metric.name));
  const parts = new SeriesParts();
  const serviceMetrics = {
    health: isObserved(sc.METRIC_SERVICE_HEALTH),
    status: isObserved(sc.METRIC_SERVICE_STATUS),
    issues: isObserved(sc.METRIC_SERVICE_ISSUES),
    features: isObserved(sc.METRIC_FEATURE_HEALTH),
  };
  if (perTenant.length > 0) {
    registry.register(
      perTenant.map((metric) => ({
        name: metric.name,
        ...instrumentOptions(metric),
        upDown: metric.instrument === 'updowncounter',
      })),
      () => source.observations(),
      (observation, observe) => {
        const now = source.clock();
        observePolls(observation, now, observe, parts);
        observeServices(observation, now, observe, parts, serviceMetrics);
      },
    );
  }
  if (fleet.length > 0) {
    registry.register(
      fleet.map((metric) => ({ name: metric.name, ...instrumentOptions(metric) })),
      () => [summarizeEstate(source.observations(), source.clock())],
      observeFleet,
    );
  }
  const pollErrors = counter(sc.METRIC_POLL_ERRORS);
  const graphRequests = counter(sc.METRIC_GRAPH_REQUESTS);
  return {
    recordPollError: (tenant, errorType) =>
      pollErrors?.add(1, { ...parts.tenant(tenant)[0], [sc.ATTR_ERROR_TYPE]: errorType }),
    recordGraphResponse: (tenant, httpStatus) =>
      graphRequests?.add(1, { ...parts.tenant(tenant)[0], [sc.ATTR_HTTP_STATUS_CODE]: httpStatus }),
  };
}

/**
 * The `m365.events.dropped` counter, for the outbox's `onDrop`: `(count, reason) => void`. Process-wide, so
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

/** The options of the instrument of a catalogued metric. */
export function instrumentOptions(metric: MetricDefinition) {
  const valueType = metric.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE;
  return { unit: metric.unit, description: metric.description, valueType };
}

/** The gauges of the whole estate, read from one summary of it at each collection. */
const FLEET_METRICS: ReadonlySet<string> = new Set([sc.METRIC_FLEET_SERVICE_TENANTS, sc.METRIC_FLEET_ISSUE_TENANTS]);

/** The estate's series: tenants per service and health, and per classification of the open issues they see. */
function observeFleet(summary: EstateSummary, observe: ObserveGauge): void {
  for (const service of summary.services) {
    for (let health = 0; health < HEALTH_WORDS.length; health++) {
      observe(sc.METRIC_FLEET_SERVICE_TENANTS, service.tenants[health], {
        [sc.ATTR_SERVICE_NAME]: service.name,
        [sc.ATTR_SERVICE_HEALTH_STATE]: HEALTH_WORDS[health],
      });
    }
  }
  for (const classification of CLASSIFICATIONS) {
    const tenants = summary.issueTenants[classification] ?? 0;
    observe(sc.METRIC_FLEET_ISSUE_TENANTS, tenants, { [sc.ATTR_ISSUE_CLASSIFICATION]: classification });
  }
}

/** Index of the `other` state, which a status outside the state set reports. */
const OTHER_STATE = STATE_SET_STATUSES.indexOf('other' satisfies ServiceStatus);

/** The tenant's own series: its polls, the age of its data, its token and its credential. */
function observePolls(observation: Observation, now: number, observe: ObserveGauge, parts: SeriesParts): void {
  const attributes = parts.tenant(observation.tenant);
  if (observation.pollDurationMs !== undefined)
    observe(sc.METRIC_POLL_DURATION, observation.pollDurationMs / 1000, attributes);
  if (observation.outcome !== undefined) observe(sc.METRIC_POLL_SUCCESS, observation.outcome.ok ? 1 : 0, attributes);
  const age = dataAgeSeconds(observation, now);
  if (age !== undefined) observe(sc.METRIC_DATA_AGE, age, attributes);
  const tokenLifetime = tokenLifetimeSeconds(observation, now);
  if (tokenLifetime !== undefined) observe(sc.METRIC_TOKEN_EXPIRY, tokenLifetime, attributes);
  const credentialLifetime = credentialLifetimeSeconds(observation, now);
  if (credentialLifetime !== undefined && observation.credentialKind !== undefined)
    observe(sc.METRIC_CREDENTIAL_EXPIRY, credentialLifetime, [
      ...attributes,
      parts.credentialKinds[observation.credentialKind],
    ]);
}

/**
 * The series of each service. A metric turned off is not observed at all: its points would be dropped by the writer
 * anyway, but only after their attribute parts were found and listed, 12 of them per service for the state set
 * (off by default), which cost as much as the points exported.
 */
function observeServices(
  observation: Observation,
  now: number,
  observe: ObserveGauge,
  parts: SeriesParts,
  on: Readonly<Record<'health' | 'status' | 'issues' | 'features', boolean>>,
): void {
  if (observation.views === undefined) return;
  const stale = isStale(observation, now);
  const [tenant] = parts.tenant(observation.tenant) as [Readonly<Attributes>];
  const { states, classifications } = parts;
  for (const view of observation.views) {
    const service = parts.service(view);
    if (on.health) observe(sc.METRIC_SERVICE_HEALTH, shownHealth(view.health, stale), [tenant, service]);
    if (on.status) {
      const index = STATE_SET_STATUSES.indexOf(view.status);
      const current = index < 0 ? OTHER_STATE : index;
      for (let i = 0; i < states.length; i++) {
        observe(sc.METRIC_SERVICE_STATUS, i === current ? 1 : 0, [tenant, service, states[i]]);
      }
    }
    if (on.issues) {
      for (let i = 0; i < CLASSIFICATIONS.length; i++) {
        const count = countIssues(view.openIssues, CLASSIFICATIONS[i]);
        observe(sc.METRIC_SERVICE_ISSUES, count, [tenant, service, classifications[i]]);
      }
    }
    if (!on.features) continue;
    for (const feature of view.features) {
      observe(sc.METRIC_FEATURE_HEALTH, shownHealth(feature.health, stale), [tenant, service, parts.feature(feature)]);
    }
  }
}

function countIssues(issues: readonly { classification: string }[], classification: string): number {
  let count = 0;
  for (const issue of issues) if (issue.classification === classification) count++;
  return count;
}
