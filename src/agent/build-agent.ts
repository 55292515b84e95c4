import { createClientSecretTokenProvider, type TokenProvider } from '../auth/token-provider.ts';
import type { Config, TenantConfig } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import type { Log } from '../log.ts';
import { createEventEmitter } from '../telemetry/events.ts';
import { registerInstruments } from '../telemetry/instruments.ts';
import type { TelemetrySdk } from '../telemetry/sdk.ts';
import { Agent, SYSTEM_TIMERS, type Timers } from './agent.ts';
import { sleep } from './sleep.ts';
import { RequestBudget } from './request-budget.ts';
import { createFileStateStore, type StateStore } from './state-store.ts';
import { createTenantPoller, type TenantPoller } from './tenant-poller.ts';
import type { TenantMemory } from '../health/memory.ts';

export interface AgentDependencies {
  telemetry: TelemetrySdk;
  log: Log;
  fetch?: typeof fetch;
  timers?: Timers;
  random?: () => number;
}

/** Tokens are shared by tenants that use the same app in the same directory: one token per tenant+client. */
function tokenKey(tenant: TenantConfig): string {
  return `${tenant.endpoints.login}|${tenant.tenantId}|${tenant.clientId}|${tenant.endpoints.graph}`;
}

function createTokenProvider(tenant: TenantConfig, fetchImpl: typeof fetch, clock: () => number): TokenProvider {
  if (!tenant.clientSecret) throw new M365Error('CONFIG_INVALID', `tenant ${tenant.name} has no credential`);
  return createClientSecretTokenProvider({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    secret: tenant.clientSecret,
    endpoints: tenant.endpoints,
    fetch: fetchImpl,
    clock,
    timeoutMs: tenant.timeoutMs,
  });
}

/**
 * Saves a tenant's memory when what it remembers changed (not merely its poll time), so that thousands of
 * tenants polled every minute do not mean thousands of fsyncs a minute.
 */
function createPersister(store: StateStore, log: Log, tenant: TenantConfig, initial: TenantMemory | undefined) {
  const contentOf = (memory: TenantMemory) => JSON.stringify([memory.services, memory.issues]);
  let saved = initial ? contentOf(initial) : '';
  return (memory: TenantMemory) => {
    const content = contentOf(memory);
    if (content === saved) return;
    saved = content;
    store.save(tenant.name, memory).catch((error: Error) => {
      saved = '';
      log.error('cannot save state', { tenant: tenant.name, reason: error.message });
    });
  };
}

/** Assembles the agent for a configuration: one token provider per app and tenant, one poller per tenant. */
export async function buildAgent(config: Config, deps: AgentDependencies): Promise<Agent> {
  const fetchImpl = deps.fetch ?? fetch;
  const timers = deps.timers ?? SYSTEM_TIMERS;
  const clock = () => timers.now();
  const pollers: TenantPoller[] = [];
  const isEnabled = (name: string) => config.metrics[name]?.enabled ?? true;
  const recorders = registerInstruments(
    deps.telemetry.meter,
    { tenants: () => pollers.map((poller) => poller.status), clock },
    isEnabled,
  );
  const events = createEventEmitter(deps.telemetry.logger);
  const tokens = new Map<string, TokenProvider>();
  const budgets = new Map<string, RequestBudget>();
  const store = config.stateDir === undefined ? undefined : createFileStateStore(config.stateDir, deps.log, clock);
  for (const tenant of config.tenants) {
    const key = tokenKey(tenant);
    const provider = tokens.get(key) ?? createTokenProvider(tenant, fetchImpl, clock);
    tokens.set(key, provider);
    const budget = budgets.get(key) ?? new RequestBudget();
    budgets.set(key, budget);
    const memory = await store?.load(tenant.name);
    const onMemory = store ? createPersister(store, deps.log, tenant, memory) : undefined;
    pollers.push(
      createTenantPoller({ tenant, tokens: provider, fetch: fetchImpl, clock, sleep, recorders, events, log: deps.log, memory, onMemory, budget }),
    );
  }
  return new Agent({ pollers, timers, random: deps.random });
}
