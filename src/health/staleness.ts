import { HEALTH_UNKNOWN, type Health } from './model.ts';

/** Data older than this many intervals is stale: gauges report unknown rather than old values. */
export const STALE_AFTER_INTERVALS = 3;

/** What the values derived from a tenant's observation (`src/observation/observation.ts`) are made of. */
export interface Observed {
  readonly tenant: { readonly intervalMs: number };
  readonly lastSuccessAt: number | undefined;
  readonly tokenExpiresAt: number | undefined;
  /** When the credential the tenant signs in with expires (ms since epoch), when known. */
  readonly credentialExpiresAt?: number | undefined;
}

/** Whether the tenant's last good answer is too old to be trusted at `now` (none yet: stale). */
export function isStale(observed: Observed, now: number): boolean {
  if (observed.lastSuccessAt === undefined) return true;
  return now - observed.lastSuccessAt > STALE_AFTER_INTERVALS * observed.tenant.intervalMs;
}

/** The health to show for an evaluated one: unknown once the data is stale. */
export function shownHealth(health: Health, stale: boolean): Health {
  return stale ? HEALTH_UNKNOWN : health;
}

/** How old the last good answer is at `now`, in seconds; undefined before the first. */
export function dataAgeSeconds(observed: Observed, now: number): number | undefined {
  return observed.lastSuccessAt === undefined ? undefined : (now - observed.lastSuccessAt) / 1000;
}

/** How long the access token is still valid at `now`, in seconds (0 once expired); undefined without one. */
export function tokenLifetimeSeconds(observed: Observed, now: number): number | undefined {
  return secondsUntil(observed.tokenExpiresAt, now);
}

/** How long the credential the tenant signs in with is still valid at `now`, in seconds (0 once expired). */
export function credentialLifetimeSeconds(observed: Observed, now: number): number | undefined {
  return secondsUntil(observed.credentialExpiresAt, now);
}

function secondsUntil(at: number | undefined, now: number): number | undefined {
  return at === undefined ? undefined : Math.max(0, (at - now) / 1000);
}
