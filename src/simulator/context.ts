import type { AcceptedAssertion } from './client-assertion.ts';
import { deriveTenantState, type ManualEvent, type TenantState } from './derive-state.ts';
import type { ScenarioIndex } from './scenario-index.ts';
import type { Scenario } from './scenario-schema.ts';
import type { TokenStore } from './tokens.ts';
import type { WireStyle } from './wire-format.ts';

/** What the route handlers share: the scenario, the clock, issued tokens and the changes made through the API. */
export interface SimContext {
  readonly scenario: Scenario;
  /** The scenario's lookups, built when the simulator starts. */
  readonly index: ScenarioIndex;
  readonly clock: () => number;
  /** When the simulator started, by its clock: the origin of the timeline. */
  readonly startMs: number;
  readonly tokens: TokenStore;
  /** Client assertions accepted at the token endpoint, oldest first (what they said, never the assertion). */
  readonly assertions: AcceptedAssertion[];
  /** The client and `jti` of each accepted assertion, until it expires (ms): a replay is refused. */
  readonly seenAssertions: Map<string, number>;
  readonly manual: ManualEvent[];
  /** Default page size of the Graph collections. */
  readonly pageSize: number;
  readonly style: WireStyle;
  /** The simulator's own base URL, used when a request's Host header cannot be. */
  url: string;
}

/** What the tenant shows now. */
export function currentState(ctx: SimContext, tenant: string): TenantState {
  return deriveTenantState(ctx.index, tenant, ctx.manual, ctx.startMs, ctx.clock());
}
