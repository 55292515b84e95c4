import { isMetricEnabled } from '../catalogue/catalogue.ts';
import { METRIC_FEATURE_HEALTH } from '../catalogue/semconv.ts';
import { tenantCredential } from '../auth/client-auth.ts';
import { createEntraTokenProvider, type TokenProvider } from '../auth/token-provider.ts';
import { fetchDelegatedAdminCustomers } from '../graph/fetch-delegated-admin-customers.ts';
import type { HttpGet } from '../net/http-fetch.ts';
import type { ListCustomers } from './customer-discovery.ts';
import { isSameSetting } from './same-settings.ts';
import type { Config, TenantConfig } from '../config/types.ts';
import { createHttpClientPool } from '../net/http-client-pool.ts';
import { getThroughFetch } from '../net/http-fetch.ts';
import type { Log } from '../log.ts';
import { registerInstruments } from '../telemetry/instruments.ts';
import type { TelemetrySdk } from '../telemetry/sdk.ts';
import { Agent, type AgentOptions, type ReconcileSummary } from './agent.ts';
import { SYSTEM_TIMERS } from './schedule.ts';
import { sleep } from '../shared/sleep.ts';
import { createAppCredentialReader } from './app-credential-reader.ts';
import { createFileStateStore, createFleetStateStore } from './state-store.ts';
import { createLedger, createTenantLedger } from './tenant-ledger.ts';
import { createFleet, FLEET_KEY, fleetParts } from './fleet.ts';
import { fleetIssueUpdateRecord } from '../telemetry/events.ts';
import { createSharedCopies, createTenantPoller } from './tenant-poller.ts';
import { createPollerSet, tokenKey } from './tenant-pollers.ts';
import { ObservationStore } from '../observation/observation-store.ts';

/** What an agent is built with besides its configuration; the scheduler's seams and listeners are the agent's. */
export interface AgentDependencies extends Pick<
  AgentOptions,
  'timers' | 'random' | 'onPollStart' | 'onPollEnd' | 'maxPollsInFlight'
> {
  telemetry: TelemetrySdk;
  log: Log;
  /** Where the agent keeps its tenants' latest observations, for readers made before it (default: a new store). */
  observations?: ObservationStore;
  /** Replaces the HTTP client (proxies, CAs) for the identity platform and Graph. */
  fetch?: typeof fetch;
  /** Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** An agent, and the way to change its tenants while it runs. */
export interface BuiltAgent {
  readonly agent: Agent;
  /**
   * Reconciles the running tenants with `tenants` (a reloaded configuration): new ones start, removed ones stop,
   * changed ones restart with their memory, unchanged ones are left alone. One call at a time.
   */
  readonly applyTenants: (tenants: readonly TenantConfig[]) => Promise<ReconcileSummary>;
  /** Resolves once every state write begun (events delivered leave their files too) has ended. */
  readonly saved: () => Promise<void>;
  /** Lists a partner tenant's delegated admin customers, through the partner's proxy and CAs. */
  readonly listCustomers: ListCustomers;
}

/**
 * Assembles the agent for a configuration, with what tenants added later share: the instruments, the ledgers of the
 * tenants and of the fleet, token providers and request budgets.
 */
export async function buildAgent(config: Config, deps: AgentDependencies): Promise<BuiltAgent> {
  const http = createHttpClientPool(deps.env ?? process.env);
  const timers = deps.timers ?? SYSTEM_TIMERS;
  const clock = () => timers.now();
  const observations = deps.observations ?? new ObservationStore();
  const isEnabled = (name: string) => isMetricEnabled(config.metrics, name);
  const source = { observations: () => observations.observations(), clock };
  const recorders = registerInstruments(deps.telemetry.meter, source, isEnabled, deps.telemetry.gauges);
  // Only that gauge reads the feature groups' health: with it off, a poll does not evaluate them.
  const featureHealth = isEnabled(METRIC_FEATURE_HEALTH);
  const store = config.stateDir === undefined ? undefined : createFileStateStore(config.stateDir, deps.log, clock);
  const { outbox, logger } = deps.telemetry;
  const ledger = createTenantLedger({ store, outbox, logger, log: deps.log });
  const fleetStore =
    config.stateDir === undefined ? undefined : createFleetStateStore(config.stateDir, deps.log, clock);
  const fleetLedger = createLedger({ store: fleetStore, outbox, logger, log: deps.log }, fleetParts);
  const fleet = createFleet({
    ledger: fleetLedger,
    saved: await fleetStore?.load(FLEET_KEY),
    clock,
    record: fleetIssueUpdateRecord,
  });
  // One set for the agent's life: tenants added by a reload share the copies of those already running.
  const shared = createSharedCopies();
  // Both the identity platform and Graph go through the tenant's proxy and CAs.
  const injected = deps.fetch ? { fetch: deps.fetch, get: getThroughFetch(deps.fetch) } : undefined;
  const clientFor = (tenant: Pick<TenantConfig, 'http'>) => injected ?? http.clientFor(tenant.http);
  const createTokens = (tenant: TenantConfig) =>
    createEntraTokenProvider({
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      credential: tenantCredential(tenant),
      endpoints: tenant.endpoints,
      fetch: clientFor(tenant).fetch,
      clock,
      timeoutMs: tenant.timeoutMs,
    });
  const pollers = createPollerSet({
    createTokens,
    createAppReader: (home, { tokens, budget }) =>
      createAppCredentialReader({ home, tokens, budget, get: clientFor(home).get, clock, sleep, log: deps.log }),
    loadMemory: async (name) => {
      const memory = ledger.restore(name, await store?.load(name));
      fleet.restoreTenant(name, memory);
      return memory;
    },
    createPoller: (tenant, { tokens, budget, memory, appCredentials }) =>
      createTenantPoller({
        tenant,
        tokens,
        get: clientFor(tenant).get,
        clock,
        sleep,
        recorders,
        log: deps.log,
        shared,
        memory,
        commit: (kept, events) => ledger.commit(tenant.name, kept, events),
        budget,
        // A running tenant whose settings changed carries its latest observation over; a new one has none.
        previous: observations.latest(tenant.name),
        appCredentials,
        featureHealth,
      }),
  });
  const initial = await pollers.update(config.tenants, (list) => list);
  fleet.begin();
  const created = new Agent({
    pollers: initial,
    store: observations,
    timers,
    random: deps.random,
    maxPollsInFlight: deps.maxPollsInFlight,
    onPollStart: deps.onPollStart,
    onPollEnd: deps.onPollEnd,
    onObservation: (observation) => fleet.observe(observation),
  });
  return {
    agent: created,
    applyTenants: (tenants) =>
      pollers.update(tenants, (list) => {
        const summary = created.reconcile(list);
        fleet.forget(summary.removed);
        return summary;
      }),
    saved: async () => {
      await Promise.all([ledger.settled(), fleetLedger.settled()]);
    },
    listCustomers: createCustomerLister({ createTokens, clientFor, clock }),
  };
}

/**
 * Lists partners' customers, each partner with a token provider of its own, kept while its settings stay the same
 * (one token an hour, not one per list), and within the partner's timeout.
 */
function createCustomerLister(parts: {
  createTokens: (partner: TenantConfig) => TokenProvider;
  clientFor: (partner: TenantConfig) => { get: HttpGet };
  clock: () => number;
}): ListCustomers {
  const providers = new Map<string, { partner: TenantConfig; tokens: TokenProvider }>();
  return async (partner, signal) => {
    const key = tokenKey(partner);
    let entry = providers.get(key);
    if (!entry || !isSameSetting(entry.partner, partner)) {
      entry = { partner, tokens: parts.createTokens(partner) };
      providers.set(key, entry);
    }
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(partner.timeoutMs)]);
    const graph = { graphUrl: partner.endpoints.graph, tokens: entry.tokens, get: parts.clientFor(partner).get };
    return fetchDelegatedAdminCustomers(
      { ...graph, clock: parts.clock, sleep },
      { deadline: parts.clock() + partner.timeoutMs, signal: timeout },
    );
  };
}
