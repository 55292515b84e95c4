import type { TenantConfig } from '../config/types.ts';
import type { M365Error } from '../errors.ts';
import type { ServiceView } from '../health/evaluate.ts';
import { isDataStale } from '../health/staleness.ts';

/** The last outcome of polling one tenant: what gauges read and the status endpoint shows. */
export interface TenantStatus {
  readonly tenant: TenantConfig;
  /** Services as evaluated by the last good poll; undefined before the first one. */
  views: readonly ServiceView[] | undefined;
  /** When the last poll ended (ms since epoch). */
  lastPollAt: number | undefined;
  lastPollDurationMs: number | undefined;
  lastPollOk: boolean | undefined;
  lastError: M365Error | undefined;
  /** When the last good poll ended. */
  lastSuccessAt: number | undefined;
  /** Expiry of the tenant's cached access token. */
  tokenExpiresAt: () => number | undefined;
}

/** A fresh status for a tenant that was never polled. */
export function createTenantStatus(tenant: TenantConfig, tokenExpiresAt: () => number | undefined): TenantStatus {
  return {
    tenant,
    views: undefined,
    lastPollAt: undefined,
    lastPollDurationMs: undefined,
    lastPollOk: undefined,
    lastError: undefined,
    lastSuccessAt: undefined,
    tokenExpiresAt,
  };
}

/**
 * The status of a tenant whose poller is replaced because its settings changed: the last outcome is kept, under the
 * new settings, so the gauges neither blink nor restart from nothing.
 */
export function carryTenantStatus(
  previous: TenantStatus,
  tenant: TenantConfig,
  tokenExpiresAt: () => number | undefined,
): TenantStatus {
  return { ...previous, tenant, tokenExpiresAt };
}

/** Whether the tenant's last good poll is too old to be trusted (see {@link isDataStale}). */
export function isStale(status: TenantStatus, now: number): boolean {
  return isDataStale(status.lastSuccessAt, status.tenant.intervalMs, now);
}
