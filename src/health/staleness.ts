import { HEALTH_UNKNOWN, type Health } from './model.ts';

/** Data older than this many intervals is stale: gauges report unknown rather than old values. */
export const STALE_AFTER_INTERVALS = 3;

/** What of a tenant's observation (`src/observation/observation.ts`) the values derived from it are made of. */
export interface Observed {
  readonly tenant: { readonly intervalMs: number };
  /** When Graph gave the last good answer (ms since epoch); undefined before the first one. */
  readonly lastSuccessAt: number | undefined;
  /** When the tenant's access token expires (ms since epoch), if it has one. */
  readonly tokenExpiresAt: number | undefined;
}

/** Whether the tenant's last good answer is too old to be trusted at `now` (never read: stale). */
export function isStale(observed: Observed, now: number): boolean {
  if (observed.lastSuccessAt === undefined) return true;
  return now - observed.lastSuccessAt > STALE_AFTER_INTERVALS * observed.tenant.intervalMs;
}

/** The health to show for an evaluated `health` of an observation: unknown once its data is stale. */
export function shownHealth(health: Health, stale: boolean): Health {
  return stale ? HEALTH_UNKNOWN : health;
}

/** How old the tenant's last good answer is at `now`, in seconds; undefined before the first one. */
export function dataAgeSeconds(observed: Observed, now: number): number | undefined {
  return observed.lastSuccessAt === undefined ? undefined : (now - observed.lastSuccessAt) / 1000;
}

/** How long the tenant's access token is still valid at `now`, in seconds (0 once expired); undefined without one. */
export function tokenLifetimeSeconds(observed: Observed, now: number): number | undefined {
  return observed.tokenExpiresAt === undefined ? undefined : Math.max(0, (observed.tokenExpiresAt - now) / 1000);
}
