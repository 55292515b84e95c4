import type { AcceptedAssertion } from './client-assertion.ts';
import type { Scenario, ScenarioCustomer, ScenarioTenant } from './scenario-schema.ts';
import { ScenarioPlay, type ManualEvent, type TenantState } from './timeline.ts';
import { TokenStore } from './tokens.ts';
import { WireFormat } from './wire-format.ts';

/** What the route handlers share: the scenario, the clock, issued tokens and the changes made through the API. */
export type SimContext = ReturnType<typeof createContext>;

/** The context of a simulator that starts now, by `clock`, serving `scenario`. */
export function createContext(
  scenario: Scenario,
  clock: () => number,
  options: { readonly pageSize: number; readonly pascalCase: boolean; readonly varyAnswers: boolean },
) {
  return {
    ...options,
    scenario,
    clock,
    play: new ScenarioPlay(scenario, clock()),
    tokens: new TokenStore(),
    /** Client assertions accepted at the token endpoint, oldest first (what they said, never the assertion). */
    assertions: [] as AcceptedAssertion[],
    /** The client and `jti` of each accepted assertion, until it expires (ms): a replay is refused. */
    seenAssertions: new Map<string, number>(),
    manual: [] as ManualEvent[],
    /** Customers added to partner tenants through the programmatic API, by partner tenant name. */
    addedCustomers: new Map<string, ScenarioCustomer[]>(),
    wire: new WireFormat(options.pascalCase),
    /** Per tenant, how many `healthOverviews` answers were begun varied (with `varyAnswers`). */
    variedAnswers: new Map<string, number>(),
    /** The simulator's own base URL, used when a request's Host header cannot be. */
    url: '',
  };
}

/** What the tenant shows now. */
export function currentState(ctx: SimContext, tenant: ScenarioTenant): TenantState {
  return ctx.play.state(tenant, ctx.manual, ctx.clock());
}
