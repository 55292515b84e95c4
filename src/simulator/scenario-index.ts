import { seedIssue, type DerivedIssue } from './issue-state.ts';
import type { Scenario, ScenarioIssue, ScenarioTenant, TimelineEntry } from './scenario-schema.ts';

/**
 * Lookups of a scenario, built once for the simulator that serves it: a scenario of ten thousand tenants is
 * searched at every request, and every request derives its tenant's state afresh.
 */
export class ScenarioIndex {
  readonly scenario: Scenario;
  readonly #byName = new Map<string, ScenarioTenant>();
  /** By tenant GUID and by domain, lower case (the loader made them unique). */
  readonly #byKey = new Map<string, ScenarioTenant>();
  /** Each tenant's timeline entries, in time order. */
  readonly #timelines = new Map<string, TimelineEntry[]>();
  /** Seeded issues by scenario issue and start: tenants that share their issues share the derived ones too. */
  readonly #seeded = new WeakMap<ScenarioIssue, Map<number, DerivedIssue>>();

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    for (const tenant of scenario.tenants) {
      this.#byName.set(tenant.name, tenant);
      this.#timelines.set(tenant.name, []);
      for (const key of [tenant.tenantId, tenant.domain]) if (key !== undefined) this.#byKey.set(key, tenant);
    }
    for (const entry of [...scenario.timeline].sort((a, b) => a.atMs - b.atMs)) {
      for (const name of entry.tenants) this.#timelines.get(name)?.push(entry);
    }
  }

  tenantNamed(name: string): ScenarioTenant | undefined {
    return this.#byName.get(name);
  }

  /** The tenant a login path names, by GUID or by domain, ignoring case (as Entra does). */
  tenantKeyed(key: string): ScenarioTenant | undefined {
    return this.#byKey.get(key.toLowerCase());
  }

  /** The tenant with this scenario name, GUID or domain. */
  tenant(key: string): ScenarioTenant | undefined {
    return this.tenantNamed(key) ?? this.tenantKeyed(key);
  }

  /** The timeline entries that apply to the tenant, in time order. */
  timelineOf(tenant: string): readonly TimelineEntry[] {
    return this.#timelines.get(tenant) ?? [];
  }

  /** A scenario issue as it is at `startMs` (see {@link seedIssue}), derived once per issue and start. */
  seededIssue(issue: ScenarioIssue, startMs: number): DerivedIssue {
    let byStart = this.#seeded.get(issue);
    if (!byStart) this.#seeded.set(issue, (byStart = new Map<number, DerivedIssue>()));
    let derived = byStart.get(startMs);
    if (!derived) byStart.set(startMs, (derived = seedIssue(issue, startMs)));
    return derived;
  }
}
