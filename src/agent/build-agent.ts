import { createClientSecretTokenProvider, type TokenProvider } from '../auth/token-provider.ts';
import type { Config, TenantConfig } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import type { Log } from '../log.ts';
import { createEventEmitter } from '../telemetry/events.ts';
import { registerInstruments } from '../telemetry/instruments.ts';
import type { TelemetrySdk } from '../telemetry/sdk.ts';
import { Agent, SYSTEM_TIMERS, type Timers } from './agent.ts';
import { sleep } from './sleep.ts';
import { createTenantPoller, type TenantPoller } from './tenant-poller.ts';

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

/** Assembles the agent for a configuration: one token provider per app and tenant, one poller per tenant. */
export function buildAgent(config: Config, deps: AgentDependencies): Agent {
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
  for (const tenant of config.tenants) {
    const key = tokenKey(tenant);
    const provider = tokens.get(key) ?? createTokenProvider(tenant, fetchImpl, clock);
    tokens.set(key, provider);
    pollers.push(
      createTenantPoller({ tenant, tokens: provider, fetch: fetchImpl, clock, sleep, recorders, events, log: deps.log }),
    );
  }
  return new Agent({ pollers, timers, random: deps.random });
}
