import type { Scenario, ScenarioTenant, TimelineEntry } from './scenario-types.ts';

/** Lookups of a scenario, built once: a scenario of ten thousand tenants is searched at every request. */
interface ScenarioIndex {
  readonly byName: ReadonlyMap<string, ScenarioTenant>;
  /** By tenant GUID and by domain, lower case; the first tenant wins, as a linear search would. */
  readonly byKey: ReadonlyMap<string, ScenarioTenant>;
  /** The tenants of each timeline entry, as a set. */
  readonly entryTenants: WeakMap<TimelineEntry, ReadonlySet<string>>;
}

const indexes = new WeakMap<Scenario, ScenarioIndex>();

function indexScenario(scenario: Scenario): ScenarioIndex {
  const byName = new Map<string, ScenarioTenant>();
  const byKey = new Map<string, ScenarioTenant>();
  for (const tenant of scenario.tenants) {
    if (!byName.has(tenant.name)) byName.set(tenant.name, tenant);
    for (const key of [tenant.tenantId, tenant.domain])
      if (key !== undefined && !byKey.has(key)) byKey.set(key, tenant);
  }
  return { byName, byKey, entryTenants: new WeakMap() };
}

function indexOf(scenario: Scenario): ScenarioIndex {
  let index = indexes.get(scenario);
  if (!index) indexes.set(scenario, (index = indexScenario(scenario)));
  return index;
}

/** The tenant with this scenario name. */
export function tenantNamed(scenario: Scenario, name: string): ScenarioTenant | undefined {
  return indexOf(scenario).byName.get(name);
}

/** The tenant with this GUID or domain (already lower case). */
export function tenantKeyed(scenario: Scenario, lowerKey: string): ScenarioTenant | undefined {
  return indexOf(scenario).byKey.get(lowerKey);
}

/** Whether a timeline entry applies to the tenant. */
export function entryAppliesTo(scenario: Scenario, entry: TimelineEntry, tenant: string): boolean {
  const index = indexOf(scenario);
  let tenants = index.entryTenants.get(entry);
  if (!tenants) index.entryTenants.set(entry, (tenants = new Set(entry.tenants)));
  return tenants.has(tenant);
}
