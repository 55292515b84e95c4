import type { TokenProvider } from '../auth/token-provider.ts';
import type { TenantConfig } from '../config/types.ts';
import type { TenantMemory } from '../health/memory.ts';
import type { AppCredentialReader } from './app-credential-reader.ts';
import { RequestBudget } from './request-budget.ts';
import { isSameSetting } from './same-settings.ts';
import type { TenantPoller } from './tenant-poller.ts';

/**
 * What a tenant's poller is made of besides its settings: the token provider and request budget it shares with the
 * tenants of the same app in the same directory, its memory (saved, or the replaced poller's), and with
 * `credential_expiry.read_app` on, for a secret, the reader of the app's registration in its home tenant.
 */
export interface PollerParts {
  tokens: TokenProvider;
  budget: RequestBudget;
  memory: TenantMemory | undefined;
  appCredentials?: AppCredentialReader;
}

/** Which tenants may share a token and a request budget: the same app in the same directory. */
export function tokenKey(tenant: Pick<TenantConfig, 'endpoints' | 'tenantId' | 'clientId'>): string {
  return `${tenant.endpoints.login}|${tenant.tenantId}|${tenant.clientId}|${tenant.endpoints.graph}`;
}

export interface PollerSetOptions {
  createTokens: (tenant: TenantConfig) => TokenProvider;
  /** `home`: the app's settings with its home tenant as `tenantId`. */
  createAppReader: (home: TenantConfig, parts: { tokens: TokenProvider; budget: RequestBudget }) => AppCredentialReader;
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
   * new poller with the old one's memory; token providers, budgets and app readers no tenant uses any more are
   * dropped. One update at a time.
   */
  update<T>(tenants: readonly TenantConfig[], install: (pollers: TenantPoller[]) => T): Promise<T>;
}

interface Running {
  tenant: TenantConfig;
  poller: TenantPoller;
  tokens: TokenProvider;
  key: string;
  /** The home tenant's key and tokens of the app's reader, when the tenant has one. */
  home?: { key: string; tokens: TokenProvider };
}

/** Creates an empty {@link PollerSet}. */
export function createPollerSet(options: PollerSetOptions): PollerSet {
  let running = new Map<string, Running>();
  const tokens = new Map<string, { provider: TokenProvider; tenant: TenantConfig }>();
  const budgets = new Map<string, RequestBudget>();
  const readers = new Map<string, { reader: AppCredentialReader; tokens: TokenProvider }>();

  function budgetFor(key: string): RequestBudget {
    const budget = budgets.get(key) ?? new RequestBudget();
    budgets.set(key, budget);
    return budget;
  }

  /** The app's reader in its home tenant (the tenant itself unless `home_tenant` names another), shared. */
  function readerFor(tenant: TenantConfig): { reader: AppCredentialReader; key: string; tokens: TokenProvider } {
    const home = { ...tenant, tenantId: tenant.credentialExpiry?.homeTenant ?? tenant.tenantId };
    const key = tokenKey(home);
    const tokens = tokensFor(home, key);
    const shared = readers.get(key);
    // A reader goes with the tokens it reads with: a changed credential gets a new one.
    const reader =
      shared?.tokens === tokens ? shared.reader : options.createAppReader(home, { tokens, budget: budgetFor(key) });
    readers.set(key, { reader, tokens });
    return { reader, key, tokens };
  }

  function tokensFor(tenant: TenantConfig, key: string): TokenProvider {
    const shared = tokens.get(key);
    if (shared && isSameSetting(credentialOf(shared.tenant), credentialOf(tenant))) return shared.provider;
    const provider = options.createTokens(tenant);
    tokens.set(key, { provider, tenant });
    return provider;
  }

  function make(tenant: TenantConfig, restored: ReadonlyMap<string, TenantMemory | undefined>): Running {
    const old = running.get(tenant.name);
    const key = tokenKey(tenant);
    const budget = budgetFor(key);
    const provider = tokensFor(tenant, key);
    const memory = old ? old.poller.memory?.() : restored.get(tenant.name);
    const reads = tenant.credentialExpiry?.readApp === true && tenant.clientSecret !== undefined;
    const home = reads ? readerFor(tenant) : undefined;
    const poller = options.createPoller(tenant, { tokens: provider, budget, memory, appCredentials: home?.reader });
    return { tenant, poller, tokens: provider, key, ...(home && { home: { key: home.key, tokens: home.tokens } }) };
  }

  function dropUnused(): void {
    const entries = [...running.values()];
    const homes = entries.flatMap((entry) => (entry.home ? [entry.home] : []));
    const providers = new Set([...entries.map((entry) => entry.tokens), ...homes.map((home) => home.tokens)]);
    const keys = new Set([...entries.map((entry) => entry.key), ...homes.map((home) => home.key)]);
    const homeKeys = new Set(homes.map((home) => home.key));
    for (const [key, shared] of tokens) if (!providers.has(shared.provider)) tokens.delete(key);
    for (const key of budgets.keys()) if (!keys.has(key)) budgets.delete(key);
    for (const key of readers.keys()) if (!homeKeys.has(key)) readers.delete(key);
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
