import { createHash } from 'node:crypto';
import { isMetricEnabled } from '../catalogue/catalogue.ts';
import { tenantCredential } from '../auth/tenant-credential.ts';
import { createEntraTokenProvider, type TokenProvider } from '../auth/token-provider.ts';
import type { Config, TenantConfig } from '../config/types.ts';
import { createHttpClientPool } from '../net/http-client-pool.ts';
import { getThroughFetch } from '../net/http-fetch.ts';
import type { Log } from '../log.ts';
import { createEventEmitter } from '../telemetry/events.ts';
import { registerInstruments } from '../telemetry/instruments.ts';
import type { TelemetrySdk } from '../telemetry/sdk.ts';
import {
  Agent,
  SYSTEM_TIMERS,
  type PollEndListener,
  type PollStartListener,
  type ReconcileSummary,
  type Timers,
} from './agent.ts';
import { sleep } from '../shared/sleep.ts';
import { createFileStateStore, type StateStore } from './state-store.ts';
import { createSharedCopies, createTenantPoller } from './tenant-poller.ts';
import { createPollerSet } from './tenant-pollers.ts';
import type { TenantMemory } from '../health/memory.ts';
import { ObservationStore } from '../observation/observation-store.ts';

export interface AgentDependencies {
  telemetry: TelemetrySdk;
  log: Log;
  /** Where the agent keeps its tenants' latest observations, for readers made before it (default: a new store). */
  observations?: ObservationStore;
  /** Replaces the HTTP client (proxies, CAs) for the identity platform and Graph. */
  fetch?: typeof fetch;
  /** Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  timers?: Timers;
  random?: () => number;
  /** Told how late each scheduled poll starts against its plan (benchmarks, diagnostics). */
  onPollStart?: PollStartListener;
  /** Told how each scheduled poll ended (benchmarks, diagnostics). */
  onPollEnd?: PollEndListener;
}

/** Tokens are shared by tenants that use the same app in the same directory: one token per tenant+client. */
function tokenKey(tenant: TenantConfig): string {
  return `${tenant.endpoints.login}|${tenant.tenantId}|${tenant.clientId}|${tenant.endpoints.graph}`;
}

/** The tenant's token provider, by credential kind (secret, certificate, federated token), through `fetchImpl`. */
function createTokenProvider(tenant: TenantConfig, fetchImpl: typeof fetch, clock: () => number): TokenProvider {
  return createEntraTokenProvider({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    credential: tenantCredential(tenant),
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
  const digestOf = (parts: readonly unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('base64');
  // What was saved last: its parts, which a quiet poll keeps as they are (no serializing then), and a digest of their
  // text (not the text: kilobytes per tenant, kept for every tenant).
  let savedParts = initial ? partsOf(initial) : undefined;
  let saved = savedParts ? digestOf(savedParts) : '';
  return async (memory: TenantMemory): Promise<void> => {
    const parts = partsOf(memory);
    if (savedParts !== undefined && parts.every((part, i) => part === savedParts![i])) return;
    savedParts = parts;
    const content = digestOf(parts);
    if (content === saved) return;
    saved = content;
    await store.save(tenant.name, memory).catch((error: Error) => {
      saved = '';
      savedParts = undefined;
      log.error('cannot save state', { tenant: tenant.name, reason: error.message });
    });
  };
}

/** What of a tenant's memory is saved (the poll time is not: a quiet poll saves nothing). */
function partsOf(memory: TenantMemory): readonly unknown[] {
  const { baselineAt, statusSequence, issueSequence, messageSequence } = memory;
  return [memory.services, memory.issues, memory.messages, baselineAt, statusSequence, issueSequence, messageSequence];
}

/** Assembles the agent for a configuration: one token provider per app and tenant, one poller per tenant. */
export async function buildAgent(config: Config, deps: AgentDependencies): Promise<Agent> {
  return (await assembleAgent(config, deps)).agent;
}

/** An agent, and the way to change its tenants while it runs. */
export interface AssembledAgent {
  readonly agent: Agent;
  /**
   * Reconciles the running tenants with `tenants` (a reloaded configuration): new ones start, removed ones stop,
   * changed ones restart with their memory, unchanged ones are left alone. One call at a time.
   */
  readonly applyTenants: (tenants: readonly TenantConfig[]) => Promise<ReconcileSummary>;
}

/**
 * {@link buildAgent}, keeping what tenants added later need: the telemetry instruments (which read the store of
 * observations), the state store, and the token providers and request budgets tenants share.
 */
export async function assembleAgent(config: Config, deps: AgentDependencies): Promise<AssembledAgent> {
  const http = createHttpClientPool(deps.env ?? process.env);
  const timers = deps.timers ?? SYSTEM_TIMERS;
  const clock = () => timers.now();
  const observations = deps.observations ?? new ObservationStore();
  const isEnabled = (name: string) => isMetricEnabled(config.metrics, name);
  const source = { observations: () => observations.observations(), clock };
  const recorders = registerInstruments(deps.telemetry.meter, source, isEnabled, deps.telemetry.gauges);
  const events = createEventEmitter(deps.telemetry.logger);
  const store = config.stateDir === undefined ? undefined : createFileStateStore(config.stateDir, deps.log, clock);
  // One set for the agent's life: tenants added by a reload share the copies of those already running.
  const shared = createSharedCopies();
  // Both the identity platform and Graph go through the tenant's proxy and CAs.
  const injected = deps.fetch ? { fetch: deps.fetch, get: getThroughFetch(deps.fetch) } : undefined;
  const clientFor = (tenant: TenantConfig) => injected ?? http.clientFor(tenant.http);
  const pollers = createPollerSet({
    tokenKey,
    createTokens: (tenant) => createTokenProvider(tenant, clientFor(tenant).fetch, clock),
    loadMemory: async (name) => store?.load(name),
    createPoller: (tenant, { tokens, budget, memory }) => {
      const onMemory = store ? createPersister(store, deps.log, tenant, memory) : undefined;
      return createTenantPoller({
        tenant,
        tokens,
        get: clientFor(tenant).get,
        clock,
        sleep,
        recorders,
        events,
        log: deps.log,
        shared,
        memory,
        onMemory,
        budget,
        // A running tenant whose settings changed carries its latest observation over; a new one has none.
        previous: observations.latest(tenant.name),
      });
    },
  });
  const initial = await pollers.update(config.tenants, (list) => list);
  const created = new Agent({
    pollers: initial,
    store: observations,
    timers,
    random: deps.random,
    onPollStart: deps.onPollStart,
    onPollEnd: deps.onPollEnd,
  });
  return { agent: created, applyTenants: (tenants) => pollers.update(tenants, (list) => created.reconcile(list)) };
}
