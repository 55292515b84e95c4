import type { CertificateSources } from './credentials.ts';
import { createProblemSink, isPlainObject, type PathSegment, type ProblemSink } from './problems.ts';
import { resolveTenants } from './tenants.ts';
import type { CustomerSource, HttpSettings, TenantConfig } from './types.ts';
import { type Environment, pickSetting, readDuration } from './values.ts';

/** The key of a `tenants_from` entry that discovers tenants from a partner tenant's delegated admin customers. */
const CUSTOMERS_KEY = 'delegated_admin_customers';

/** The keys of a source that are not the partner's tenant settings. */
const SOURCE_KEYS = ['refresh', 'include', 'exclude'];
const DEFAULT_REFRESH_MS = 3_600_000;
const REFRESH_LIMITS = { min: 60_000, max: 7 * 24 * 3_600_000 };
/** Longest name a discovered customer gets before a suffix that makes it unique (names are at most 64). */
const STEM_LENGTH = 55;

/** A customer as a partner tenant lists it. */
export interface DiscoveredCustomer {
  readonly tenantId: string;
  readonly displayName: string;
}

/** The customers last listed for a source; undefined until its list was read once. */
export type DiscoveredCustomers = (source: CustomerSource) => readonly DiscoveredCustomer[] | undefined;

/**
 * The `delegated_admin_customers` entries of `tenants_from`, each with its partner resolved as a tenant would be:
 * its own settings over `defaults`, problems reported at the entry. `root` is the (merged) config; its other entries
 * (patterns) are read elsewhere.
 */
export function resolveCustomerSources(
  root: Readonly<Record<string, unknown>>,
  shared: { http: HttpSettings; sources: CertificateSources; env: Environment },
  sink: ProblemSink,
): CustomerSource[] {
  const entries = Array.isArray(root['tenants_from']) ? root['tenants_from'] : [];
  const found = entries.flatMap((entry: unknown, index) => {
    const body = isPlainObject(entry) ? entry[CUSTOMERS_KEY] : undefined;
    // One without a `tenant_id` was reported by the schema check.
    if (!isPlainObject(body) || typeof body['tenant_id'] !== 'string') return [];
    return [{ index, body, at: ['tenants_from', index, CUSTOMERS_KEY] }];
  });
  if (found.length === 0) return [];
  const partners = resolvePartners(root, found, shared, sink);
  return found.flatMap(({ index, body, at }, position) => {
    const partner = partners.find((tenant) => tenant.name === `partner-${position}`);
    const refresh = pickSetting(body, at, 'refresh');
    const refreshMs = refresh === undefined ? DEFAULT_REFRESH_MS : readDuration(refresh, REFRESH_LIMITS, sink);
    if (partner === undefined || refreshMs === undefined) return [];
    const list = (key: string): string[] => (Array.isArray(body[key]) ? body[key].map(String) : []);
    const labelled = { ...partner, name: `tenants_from[${index}]` };
    return [{ index, partner: labelled, refreshMs, include: list('include'), exclude: list('exclude') }];
  });
}

/**
 * The partner of each source as a tenant named `partner-<position>`, resolved by the code that resolves tenants
 * (so `defaults` and every setting apply as they do to a tenant), its problems sent to the source's entry. Problems
 * of `defaults` are reported once, by the tenants' own resolution, not again here.
 */
function resolvePartners(
  root: Readonly<Record<string, unknown>>,
  found: readonly { body: Readonly<Record<string, unknown>>; at: readonly PathSegment[] }[],
  shared: { http: HttpSettings; sources: CertificateSources; env: Environment },
  sink: ProblemSink,
): TenantConfig[] {
  const tenants = found.map(({ body }, position) => {
    const settings = Object.fromEntries(Object.entries(body).filter(([key]) => !SOURCE_KEYS.includes(key)));
    return { ...settings, name: `partner-${position}` };
  });
  const elsewhere = createProblemSink(sink.file);
  const partnerSink = createProblemSink(sink.file);
  partnerSink.router = {
    route(segments) {
      const position = segments[1];
      if (segments[0] !== 'tenants' || typeof position !== 'number') return { sink: elsewhere, segments };
      return { sink, segments: [...found[position].at, ...segments.slice(2)] };
    },
    nameOf: (file) => sink.router?.nameOf(file) ?? file,
  };
  // The Azure SDK's variables stand in for a single tenant of the file, never for a partner.
  return resolveTenants({ ...root, tenants }, { ...shared, env: {} }, partnerSink);
}

/**
 * The tenants of the customers the sources listed, each polled with its partner's settings in its own tenant.
 * Customers are kept when `include` is empty or one of its patterns matches, and no `exclude` pattern does;
 * patterns match the display name, the tenant's name or its tenant id, ignoring case, `*` standing for any text.
 * A customer whose tenant id is already among `configured` (written in the file), or listed by an earlier source,
 * is left out. Names: see {@link nameCustomers}.
 */
export function discoveredTenants(
  sources: readonly CustomerSource[],
  configured: readonly TenantConfig[],
  customers: DiscoveredCustomers,
): TenantConfig[] {
  const seen = new Set(configured.map((tenant) => tenant.tenantId.toLowerCase()));
  const kept: { source: CustomerSource; customer: DiscoveredCustomer }[] = [];
  for (const source of sources) {
    for (const customer of customers(source) ?? []) {
      const id = customer.tenantId.toLowerCase();
      if (seen.has(id) || id === source.partner.tenantId.toLowerCase()) continue;
      seen.add(id);
      kept.push({ source, customer });
    }
  }
  const names = nameCustomers(
    kept.map(({ customer }) => customer),
    configured.map((tenant) => tenant.name),
  );
  return kept.flatMap(({ source, customer }, index) => {
    const name = names[index];
    if (!isSelected(source, customer, name)) return [];
    return [{ ...source.partner, name, tenantId: customer.tenantId }];
  });
}

function isSelected(source: CustomerSource, customer: DiscoveredCustomer, name: string): boolean {
  const matches = (pattern: string) => {
    const test = globToRegExp(pattern);
    return test.test(customer.displayName) || test.test(name) || test.test(customer.tenantId);
  };
  if (source.include.length > 0 && !source.include.some(matches)) return false;
  return !source.exclude.some(matches);
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Tenant names for customers: the display name made a valid name (accents dropped, every run of other characters
 * than letters, digits, `.`, `_` and `-` made one `-`, at most 55 characters, starting with a letter or digit;
 * `customer` when nothing is left). A name that two customers would share, or that a configured tenant has
 * (ignoring case: state files are named after tenants), is given to neither: each gets the first 8 hex digits of its
 * tenant id after a `-`. So a name depends only on the customers listed, not on their order.
 */
export function nameCustomers(customers: readonly DiscoveredCustomer[], taken: readonly string[]): string[] {
  const stems = customers.map((customer) => stemOf(customer.displayName));
  const counts = new Map<string, number>();
  for (const name of [...taken, ...stems]) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
  return stems.map((stem, index) =>
    counts.get(stem.toLowerCase()) === 1 ? stem : `${stem}-${customers[index].tenantId.slice(0, 8).toLowerCase()}`,
  );
}

function stemOf(displayName: string): string {
  const ascii = displayName.normalize('NFKD').replace(/\p{M}+/gu, '');
  const stem = ascii
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, STEM_LENGTH)
    .replace(/[^A-Za-z0-9]+$/, '');
  return stem === '' ? 'customer' : stem;
}

/** What `validate` says of a source: where it lists customers, with which app, how often, which it keeps. */
export function describeSource(source: CustomerSource): string {
  const filters = [
    source.include.length > 0 ? `include ${source.include.join(', ')}` : undefined,
    source.exclude.length > 0 ? `exclude ${source.exclude.join(', ')}` : undefined,
  ].filter((part) => part !== undefined);
  const hours = source.refreshMs / 3_600_000;
  const every = Number.isInteger(hours) ? `${hours}h` : `${Math.round(source.refreshMs / 60_000)}m`;
  return (
    `tenants_from[${source.index}]: the delegated admin customers of partner tenant ${source.partner.tenantId}, ` +
    `listed from ${source.partner.endpoints.graph} with app ${source.partner.clientId} (needs ` +
    `DelegatedAdminRelationship.Read.All) every ${every}${filters.length > 0 ? `, ${filters.join('; ')}` : ''}; ` +
    `each customer is polled with that app in its own tenant`
  );
}
