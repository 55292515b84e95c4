import { LEGACY_FEATURE_CATALOGUE } from '../health/feature-groups.ts';
import { STATE_SET_STATUSES } from '../health/status.ts';

/**
 * Series per tenant at one collection with the default configuration, for a tenant showing the 27 services of the
 * simulator's default scenario and no issue, after one good poll. Stated in `docs/telemetry.md`; the cardinality
 * test measures it with the real instruments and fails when the two differ.
 */
export const DEFAULT_TENANT_SERIES = 443;

/** Services of that tenant. */
export const DEFAULT_TENANT_SERVICES = 27;

/** Series of each service: health, one per state of the status state set, open incidents and open advisories. */
export const SERIES_PER_SERVICE = 1 + STATE_SET_STATUSES.length + 2;

/** Feature groups of the legacy catalogue: one `m365.feature.health` series each, issue or not. */
export const LEGACY_FEATURE_GROUPS = Object.values(LEGACY_FEATURE_CATALOGUE).reduce(
  (sum, groups) => sum + groups.length,
  0,
);

/** Tenant gauges (poll duration, poll success, data age, token expiry) and `m365.graph.requests` for HTTP 200. */
export const SERIES_PER_TENANT = 5;
