import type { TokenProvider } from '../auth/token-provider.ts';
import type { TenantConfig } from '../config/types.ts';
import type { TenantMemory } from '../health/memory.ts';
import { RequestBudget } from './request-budget.ts';
import { isSameSetting } from './same-settings.ts';
import type { TenantPoller } from './tenant-poller.ts';

/** What a tenant's poller is made of besides its settings. */
export interface PollerParts {
  /** Shared with the tenants that use the same app in the same directory with the same credential. */
  tokens: TokenProvider;
  /** Shared with the tenants that use the same app in the same directory. */
  budget: RequestBudget;
  /** Restored from the state store for a tenant that was not running; the replaced poller's for a changed one. */
  memory: TenantMemory | undefined;
}

export interface PollerSetOptions {
  /** Which tenants may share a token and a request budget: the same app in the same directory. */
  tokenKey: (tenant: TenantConfig) => string;
  createTokens: (tenant: TenantConfig) => TokenProvider;
  /** The saved memory of a tenant that was not running. */
  loadMemory: (name: string) => Promise<TenantMemory | undefined>;
  createPoller: (tenant: TenantConfig, parts: PollerParts) => TenantPoller;
}

/** The pollers of the configured tenants, kept across configuration changes. */
export interface PollerSet {
  /**
   * Gives the pollers for `tenants` to `install`, in one synchronous step after the saved state of new tenants is
   * read, so that a poll cannot end between taking a changed tenant's memory over and replacing its poller. An
   * unchanged tenant (every setting the same, secrets included) keeps its poller and token; a changed one gets a
   * new poller with the old one's memory; token providers and budgets no tenant uses any more are
   * dropped. One update at a time.
   */
  update<T>(tenants: readonly TenantConfig[], install: (pollers: TenantPoller[]) => T): Promise<T>;
}

interface Running {
  tenant: TenantConfig;
  poller: TenantPoller;
  tokens: TokenProvider;
  key: string;
}

/** Creates an empty {@link PollerSet}. */
export function createPollerSet(options: PollerSetOptions): PollerSet {
  let running = new Map<string, Running>();
  const tokens = new Map<string, { provider: TokenProvider; tenant: TenantConfig }>();
  const budgets = new Map<string, RequestBudget>();

  function tokensFor(tenant: TenantConfig, key: string): TokenProvider {
    const shared = tokens.get(key);
    if (shared && isSameSetting(credentialOf(shared.tenant), credentialOf(tenant))) return shared.provider;
    const provider = options.createTokens(tenant);
    tokens.set(key, { provider, tenant });
    return provider;
  }

  function make(tenant: TenantConfig, restored: ReadonlyMap<string, TenantMemory | undefined>): Running {
    const old = running.get(tenant.name);
    const key = options.tokenKey(tenant);
    const budget = budgets.get(key) ?? new RequestBudget();
    budgets.set(key, budget);
    const provider = tokensFor(tenant, key);
    const memory = old ? old.poller.memory?.() : restored.get(tenant.name);
    const poller = options.createPoller(tenant, { tokens: provider, budget, memory });
    return { tenant, poller, tokens: provider, key };
  }

  function dropUnused(): void {
    const providers = new Set([...running.values()].map((entry) => entry.tokens));
    const keys = new Set([...running.values()].map((entry) => entry.key));
    for (const [key, shared] of tokens) if (!providers.has(shared.provider)) tokens.delete(key);
    for (const key of budgets.keys()) if (!keys.has(key)) budgets.delete(key);
  }

  return {
    async update(tenants, install) {
      const restored = new Map<string, TenantMemory | undefined>();
      for (const tenant of tenants) {
        if (!running.has(tenant.name)) restored.set(tenant.name, await options.loadMemory(tenant.name));
      }
      const next = new Map<string, Running>();
      for (const tenant of tenants) {
        const old = running.get(tenant.name);
        next.set(tenant.name, old && isSameSetting(old.tenant, tenant) ? old : make(tenant, restored));
      }
      running = next;
      dropUnused();
      return install([...next.values()].map((entry) => entry.poller));
    },
  };
}

/** The settings a token provider depends on: all but the tenant's label and poll interval. */
function credentialOf(tenant: TenantConfig): Partial<TenantConfig> {
  const { name: _name, intervalMs: _interval, ...rest } = tenant;
  return rest;
}
