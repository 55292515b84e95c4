import type { AcceptedAssertion } from './client-assertion.ts';
import { deriveTenantState, type ManualEvent, type TenantState } from './derive-state.ts';
import { ScenarioIndex } from './scenario-index.ts';
import type { Scenario, ScenarioCustomer } from './scenario-schema.ts';
import { TokenStore } from './tokens.ts';
import { WireFormat } from './wire-format.ts';

/** What the route handlers share: the scenario, the clock, issued tokens and the changes made through the API. */
export type SimContext = ReturnType<typeof createContext>;

/** The context of a simulator that starts now, by `clock`, serving `scenario`. */
export function createContext(
  scenario: Scenario,
  clock: () => number,
  pageSize: number,
  pascalCase: boolean,
  varyAnswers: boolean,
) {
  return {
    scenario,
    /** The scenario's lookups, built when the simulator starts. */
    index: new ScenarioIndex(scenario),
    clock,
    /** When the simulator started, by its clock: the origin of the timeline. */
    startMs: clock(),
    tokens: new TokenStore(),
    /** Client assertions accepted at the token endpoint, oldest first (what they said, never the assertion). */
    assertions: [] as AcceptedAssertion[],
    /** The client and `jti` of each accepted assertion, until it expires (ms): a replay is refused. */
    seenAssertions: new Map<string, number>(),
    manual: [] as ManualEvent[],
    /** Customers added to partner tenants through the programmatic API, by partner tenant name. */
    addedCustomers: new Map<string, ScenarioCustomer[]>(),
    /** Default page size of the Graph collections. */
    pageSize,
    wire: new WireFormat(pascalCase),
    /** Whether `healthOverviews` answers vary in bytes, not meaning; and per tenant, how many were begun so. */
    varyAnswers,
    variedAnswers: new Map<string, number>(),
    /** The simulator's own base URL, used when a request's Host header cannot be. */
    url: '',
  };
}

/** What the tenant shows now. */
export function currentState(ctx: SimContext, tenant: string): TenantState {
  return deriveTenantState(ctx.index, tenant, ctx.manual, ctx.startMs, ctx.clock());
}
