import type { TenantConfig } from '../config/types.ts';

/**
 * The `m365.event.id` of an event: the tenant, then the id the tenant's history gave it (`src/health/event-identity.ts`):
 * `<tenant id>/<baseline ms>/<stream><step>/<subject and transition>`. Unique per transition across tenants and
 * restarts, and the same when a transition is detected again or its record is sent again, so that a consumer may
 * deduplicate on it alone.
 */
export function tenantEventId(tenant: TenantConfig, eventId: string): string {
  return `${tenant.tenantId}/${eventId}`;
}
