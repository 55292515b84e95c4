import type { ServiceView } from './evaluate.ts';
import { HEALTH_OK, HEALTH_UNKNOWN, type Health, type Issue } from './model.ts';
import { isStale, shownHealth, type Observed } from './staleness.ts';

/** The words of the health values, in their order: what `m365.service.health_state` and the status page say. */
export const HEALTH_WORDS = ['ok', 'warning', 'critical', 'unknown'] as const;

/** A credential that ends within this many days is expiring: time to renew it before the tenant's data stops. */
export const CREDENTIAL_EXPIRING_DAYS = 30;
const DAY_MS = 86_400_000;

/** An open issue as the estate counts it. */
type EstateIssue = Pick<Issue, 'id' | 'title' | 'classification'>;

/** What the estate is made of: a tenant's latest observation, as plain data (`Observation` is one). */
export interface EstateTenant extends Observed {
  readonly tenant: Observed['tenant'] & {
    readonly name: string;
    readonly tenantId: string;
    /** Lead times of the expiry warnings, in days, longest first; absent: {@link CREDENTIAL_EXPIRING_DAYS}. */
    readonly credentialExpiry?: { readonly warnBeforeDays: readonly number[] } | undefined;
  };
  /** How the last poll ended; undefined before the first. */
  readonly outcome: { readonly ok: boolean } | undefined;
  /** Each service's evaluated health and open issues. */
  readonly views:
    readonly (Pick<ServiceView, 'id' | 'name' | 'health'> & { openIssues: readonly EstateIssue[] })[] | undefined;
}

/** How many tenants show a service in each health, in the order of {@link HEALTH_WORDS}. */
export interface ServiceTally {
  readonly id: string;
  readonly name: string;
  readonly tenants: readonly [ok: number, warning: number, critical: number, unknown: number];
}

/** An open issue and how many tenants it affects. */
export interface IssueTally extends EstateIssue {
  readonly service: string;
  readonly tenants: number;
}

/** The estate at a glance. */
export interface EstateSummary {
  readonly tenants: number;
  /** Every service any tenant shows, by name. */
  readonly services: readonly ServiceTally[];
  /** Every open issue, the one affecting most tenants first (then incidents first, then by id). */
  readonly issues: readonly IssueTally[];
  /** Tenants with at least one open issue of each classification met. */
  readonly issueTenants: Readonly<Record<string, number>>;
  /** Tenants whose last poll failed. */
  readonly failingPolls: number;
  /** Tenants whose credential is expiring ({@link isCredentialExpiring}). */
  readonly credentialsExpiring: number;
}

/**
 * Whether the tenant's credential ends within its first warning's lead time (`credential_expiry.warn_before_days`,
 * {@link CREDENTIAL_EXPIRING_DAYS} without one) at `now`, or has ended: the one place that says which of a tenant's
 * credential dates count, so that the page lists a tenant from the day its first `m365.credential.expiring` is due.
 */
export function isCredentialExpiring(tenant: EstateTenant, now: number): boolean {
  const endsAt = tenant.credentialExpiresAt;
  const days = tenant.tenant.credentialExpiry?.warnBeforeDays[0] ?? CREDENTIAL_EXPIRING_DAYS;
  return endsAt !== undefined && endsAt - now <= days * DAY_MS;
}

/** Whether the tenant's last poll failed. */
export function isPollFailing(tenant: EstateTenant): boolean {
  return tenant.outcome?.ok === false;
}

/** The rank of each health, by its value: critical, warning, unknown (nothing to show is worse than ok only), ok. */
const RANK: readonly number[] = [0, 2, 3, 1];

/** The tenant's health: its worst service's as shown at `now` (critical, warning, unknown, ok); unknown without any. */
export function tenantHealth(tenant: EstateTenant, now: number): Health {
  const views = tenant.views;
  if (views === undefined || views.length === 0) return HEALTH_UNKNOWN;
  if (isStale(tenant, now)) return HEALTH_UNKNOWN;
  let worst: Health = HEALTH_OK;
  for (const view of views) if (RANK[view.health] > RANK[worst]) worst = view.health;
  return worst;
}

interface IssueCount extends IssueTally {
  tenants: number;
  lastTenant: number;
}

/** Sums up the tenants at `now` (pure; one pass over their services, no copy of them). */
export function summarizeEstate(tenants: readonly EstateTenant[], now: number): EstateSummary {
  const services = new Map<string, { id: string; name: string; tenants: [number, number, number, number] }>();
  const issues = new Map<string, IssueCount>();
  const issueTenants: Record<string, number> = {};
  let failingPolls = 0;
  let credentialsExpiring = 0;
  for (let index = 0; index < tenants.length; index++) {
    const tenant = tenants[index];
    if (isPollFailing(tenant)) failingPolls++;
    if (isCredentialExpiring(tenant, now)) credentialsExpiring++;
    if (tenant.views === undefined) continue;
    const stale = isStale(tenant, now);
    const classifications = new Set<string>();
    for (const view of tenant.views) {
      let tally = services.get(view.id);
      if (tally === undefined) services.set(view.id, (tally = { id: view.id, name: view.name, tenants: [0, 0, 0, 0] }));
      tally.tenants[shownHealth(view.health, stale)]++;
      for (const issue of view.openIssues) {
        classifications.add(issue.classification);
        countIssue(issues, issue, view.name, index);
      }
    }
    for (const classification of classifications)
      issueTenants[classification] = (issueTenants[classification] ?? 0) + 1;
  }
  return {
    tenants: tenants.length,
    services: [...services.values()].sort((a, b) => a.name.localeCompare(b.name)),
    issues: [...issues.values()].sort(byTenantsAffected).map(({ lastTenant: _, ...issue }) => issue),
    issueTenants,
    failingPolls,
    credentialsExpiring,
  };
}

function countIssue(issues: Map<string, IssueCount>, issue: EstateIssue, service: string, tenant: number): void {
  const count = issues.get(issue.id);
  if (count === undefined) {
    const { id, title, classification } = issue;
    issues.set(id, { id, title, classification, service, tenants: 1, lastTenant: tenant });
  } else if (count.lastTenant !== tenant) {
    count.tenants++;
    count.lastTenant = tenant;
  }
}

function byTenantsAffected(a: IssueTally, b: IssueTally): number {
  if (a.tenants !== b.tenants) return b.tenants - a.tenants;
  const incident = Number(b.classification === 'incident') - Number(a.classification === 'incident');
  return incident !== 0 ? incident : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
