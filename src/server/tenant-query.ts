import { M365Error } from '../errors.ts';
import {
  HEALTH_WORDS,
  isCredentialExpiring,
  isPollFailing,
  tenantHealth,
  type EstateTenant,
} from '../health/estate.ts';
import type { Health } from '../health/model.ts';
import { isStale, shownHealth } from '../health/staleness.ts';

/** Tenants a page of `/status` shows when the query names no `limit`: all of a small setup, as before paging. */
export const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 1000;

/** Which tenants `/status` lists, from its query parameters (see README, "Status page and health endpoints"). */
export interface TenantQuery {
  /** Part of the name or id, any case. */
  readonly q: string | undefined;
  /** The tenant's name, exactly. */
  readonly tenant: string | undefined;
  /** The tenant's health, or that of `service` when it is given. */
  readonly health: Health | undefined;
  /** A service id the tenant shows. */
  readonly service: string | undefined;
  /** An open issue's id the tenant sees. */
  readonly issue: string | undefined;
  readonly failing: boolean | undefined;
  readonly expiring: boolean | undefined;
  readonly offset: number;
  readonly limit: number;
}

const TEXTS = ['q', 'tenant', 'service', 'issue'] as const;
const FLAGS = ['failing', 'expiring'] as const;
const KNOWN = new Set<string>([...TEXTS, ...FLAGS, 'health', 'offset', 'limit']);

function invalid(message: string): M365Error {
  return new M365Error('QUERY_INVALID', message, { status: 400 });
}

/** Reads the query of `/status`; throws `QUERY_INVALID` naming every parameter that is wrong. */
export function parseTenantQuery(params: URLSearchParams): TenantQuery {
  const problems: string[] = [];
  const one = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) problems.push(`${name} is given ${values.length} times`);
    return values[0];
  };
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name)) problems.push(`unknown parameter ${JSON.stringify(name)} (known: ${[...KNOWN].join(', ')})`);
  }
  const texts = Object.fromEntries(TEXTS.map((name) => [name, one(name) || undefined]));
  const flag = (name: string): boolean | undefined => {
    const value = one(name);
    if (value === undefined || value === 'true' || value === 'false')
      return value === undefined ? value : value === 'true';
    problems.push(`${name} must be true or false, not ${JSON.stringify(value)}`);
  };
  const count = (name: string, fallback: number, min: number, max: number): number => {
    const value = one(name);
    if (value === undefined) return fallback;
    if (/^\d{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
    problems.push(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    return fallback;
  };
  const healthWord = one('health');
  const health = healthWord === undefined ? undefined : HEALTH_WORDS.indexOf(healthWord as never);
  if (health === -1)
    problems.push(`health must be one of ${HEALTH_WORDS.join(', ')}, not ${JSON.stringify(healthWord)}`);
  const query = {
    q: texts.q?.toLowerCase(),
    tenant: texts.tenant,
    service: texts.service,
    issue: texts.issue,
    health: health as Health | undefined,
    failing: flag('failing'),
    expiring: flag('expiring'),
    offset: count('offset', 0, 0, 999_999_999),
    limit: count('limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
  };
  if (problems.length > 0) throw invalid(`bad query: ${problems.join('; ')}`);
  return query;
}

/** Whether the tenant is one the query asks for, at `now`. */
export function matchesQuery(tenant: EstateTenant, query: TenantQuery, now: number): boolean {
  const { name, tenantId } = tenant.tenant;
  if (query.tenant !== undefined && name !== query.tenant) return false;
  if (query.q !== undefined && !name.toLowerCase().includes(query.q) && !tenantId.toLowerCase().includes(query.q))
    return false;
  if (query.failing !== undefined && isPollFailing(tenant) !== query.failing) return false;
  if (query.expiring !== undefined && isCredentialExpiring(tenant, now) !== query.expiring) return false;
  if (query.issue !== undefined && !tenant.views?.some((view) => view.openIssues.some((i) => i.id === query.issue)))
    return false;
  if (query.service === undefined) return query.health === undefined || tenantHealth(tenant, now) === query.health;
  const view = tenant.views?.find((candidate) => candidate.id === query.service);
  if (view === undefined) return false;
  return query.health === undefined || shownHealth(view.health, isStale(tenant, now)) === query.health;
}
