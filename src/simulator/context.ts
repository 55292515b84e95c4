import { deriveTenantState } from './derive-state.ts';
import type { AcceptedAssertion } from './client-assertion.ts';
import type { Scenario, ScenarioTenant } from './scenario-types.ts';
import type { ManualEvent, TenantState } from './state-types.ts';
import type { TokenStore } from './tokens.ts';
import type { WireStyle } from './wire-format.ts';
import { tenantKeyed, tenantNamed } from './scenario-index.ts';

/** What the route handlers share: the scenario, the clock, issued tokens and the changes made through the API. */
export interface SimContext {
  readonly scenario: Scenario;
  readonly clock: () => number;
  /** When the simulator started, by its clock: the origin of the timeline. */
  readonly startMs: number;
  readonly tokens: TokenStore;
  /** Client assertions accepted at the token endpoint, oldest first (what they said, never the assertion). */
  readonly assertions: AcceptedAssertion[];
  readonly manual: ManualEvent[];
  /** Default page size of the Graph collections. */
  readonly pageSize: number;
  readonly style: WireStyle;
  /** The simulator's own base URL, used when a request's Host header cannot be. */
  url: string;
}

/** The tenant a login path names, by GUID or by domain, ignoring case (as Entra does). */
export function findTenant(scenario: Scenario, key: string): ScenarioTenant | undefined {
  const lower = key.toLowerCase();
  return tenantKeyed(scenario, lower);
}

/** The tenant with this scenario name, GUID or domain. */
export function findTenantByAnyName(scenario: Scenario, key: string): ScenarioTenant | undefined {
  return tenantNamed(scenario, key) ?? findTenant(scenario, key);
}

/** What the tenant shows now. */
export function currentState(ctx: SimContext, tenant: string): TenantState {
  return deriveTenantState(ctx.scenario, tenant, ctx.manual, ctx.startMs, ctx.clock());
}
