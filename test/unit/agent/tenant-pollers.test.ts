import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import { startObservation } from '../../../src/observation/observation.ts';
import type { TenantPoller } from '../../../src/agent/tenant-poller.ts';
import { createPollerSet, type PollerParts } from '../../../src/agent/tenant-pollers.ts';
import { CLOUD_ENDPOINTS } from '../../../src/config/index.ts';
import { Secret } from '../../../src/shared/secret.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import type { TenantMemory } from '../../../src/health/memory.ts';

function tenant(name: string, changes: Partial<TenantConfig> = {}): TenantConfig {
  return {
    name,
    tenantId: `${name}.onmicrosoft.com`,
    clientId: '11111111-2222-3333-4444-555555555555',
    clientSecret: new Secret(`${name}-secret`),
    cloud: 'global',
    endpoints: CLOUD_ENDPOINTS.global,
    intervalMs: 300_000,
    timeoutMs: 30_000,
    ...changes,
  };
}

function memoryAt(polledAt: number): TenantMemory {
  return { baselineAt: 0, statusSequence: 0, issueSequence: 0, messageSequence: 0, polledAt, services: {}, issues: {} };
}

type FakePoller = TenantPoller & { parts: PollerParts; memoryNow: TenantMemory | undefined };

/** A poller set whose parts are fakes that record what was made; saved state exists for `saved` tenants. */
function fakeSet(saved: Record<string, TenantMemory> = {}) {
  const made = { tokens: [] as string[], pollers: [] as string[], loads: [] as string[], readers: [] as string[] };
  const set = createPollerSet({
    createTokens: (t) => {
      made.tokens.push(t.name);
      return {
        expiresAt: undefined,
        getToken: async () => ({ token: t.name, expiresAt: 0 }),
      } as unknown as TokenProvider;
    },
    createAppReader: (home) => {
      made.readers.push(`${home.name} in ${home.tenantId}`);
      return { current: () => undefined, settled: async () => {} };
    },
    loadMemory: async (name) => {
      made.loads.push(name);
      return saved[name];
    },
    createPoller: (t, parts) => {
      made.pollers.push(t.name);
      const poller: FakePoller = {
        tenant: t,
        initial: startObservation(t, undefined),
        poll: async () => ({ ok: false, error: new Error('unused') }) as never,
        memory: () => poller.memoryNow,
        parts,
        memoryNow: parts.memory,
      };
      return poller;
    },
  });
  const update = (tenants: TenantConfig[]) => set.update(tenants, (pollers) => pollers as FakePoller[]);
  return { made, update };
}

describe('poller set', () => {
  test('the first update makes one poller per tenant, with its saved memory, sharing tokens per app', async () => {
    const { made, update } = fakeSet({ contoso: memoryAt(1) });
    const lab = tenant('contoso-lab', {
      tenantId: 'contoso.onmicrosoft.com',
      clientSecret: new Secret('contoso-secret'),
    });
    const pollers = await update([tenant('contoso'), lab, tenant('fabrikam')]);
    assert.deepEqual(made.pollers, ['contoso', 'contoso-lab', 'fabrikam']);
    assert.deepEqual(made.tokens, ['contoso', 'fabrikam'], 'one token provider for the same app and directory');
    assert.equal(pollers[0].parts.tokens, pollers[1].parts.tokens);
    assert.equal(pollers[0].parts.budget, pollers[1].parts.budget);
    assert.deepEqual(pollers[0].parts.memory, memoryAt(1));
    assert.equal(pollers[2].parts.memory, undefined);
  });

  test('an unchanged tenant keeps its poller and token; nothing is made or loaded for it', async () => {
    const { made, update } = fakeSet();
    const [first] = await update([tenant('contoso')]);
    const [again] = await update([tenant('contoso')]);
    assert.equal(again, first);
    assert.deepEqual(made, { tokens: ['contoso'], pollers: ['contoso'], loads: ['contoso'], readers: [] });
  });

  test('a changed tenant gets a new poller, with its new settings, carrying the memory of the old one', async () => {
    const { made, update } = fakeSet();
    const [first] = await update([tenant('contoso')]);
    first.memoryNow = memoryAt(42);
    const [second] = await update([tenant('contoso', { intervalMs: 120_000 })]);
    assert.notEqual(second, first);
    assert.deepEqual(second.parts.memory, memoryAt(42), 'what the old poller remembered, not the saved state');
    assert.equal(second.tenant.intervalMs, 120_000);
    assert.equal(second.parts.tokens, first.parts.tokens, 'a new interval keeps the token');
    assert.deepEqual(made.loads, ['contoso'], 'state is read once, for the new tenant only');
  });

  test('a rotated secret makes a new token provider', async () => {
    const { made, update } = fakeSet();
    const [first] = await update([tenant('contoso')]);
    const [second] = await update([tenant('contoso', { clientSecret: new Secret('rotated') })]);
    assert.notEqual(second.parts.tokens, first.parts.tokens);
    assert.deepEqual(made.tokens, ['contoso', 'contoso']);
  });

  test('a removed tenant is dropped with its token; added again, it starts afresh', async () => {
    const { made, update } = fakeSet();
    const [, removed] = await update([tenant('contoso'), tenant('fabrikam')]);
    removed.memoryNow = memoryAt(7);
    assert.deepEqual(
      (await update([tenant('contoso')])).map((p) => p.tenant.name),
      ['contoso'],
    );
    const [, fabrikam] = await update([tenant('contoso'), tenant('fabrikam')]);
    assert.deepEqual(made.tokens, ['contoso', 'fabrikam', 'fabrikam'], 'its token provider was dropped');
    assert.deepEqual(made.loads, ['contoso', 'fabrikam', 'fabrikam'], 'its saved state is read again');
    assert.equal(fabrikam.parts.memory, undefined, 'not what the removed poller remembered');
  });

  test('tenants of one app reading its registration share one reader in its home tenant, with its own token', async () => {
    const { made, update } = fakeSet();
    const reading = { readApp: true, homeTenant: 'msp.onmicrosoft.com', warnBeforeDays: [30, 7] };
    const customers = ['a', 'b', 'c'].map((name) =>
      tenant(`customer-${name}`, { clientSecret: new Secret('app-secret'), credentialExpiry: reading }),
    );
    const own = tenant('fabrikam', { credentialExpiry: { ...reading, homeTenant: undefined } });
    const pollers = await update([...customers, own, tenant('contoso')]);
    assert.deepEqual(made.readers, ['customer-a in msp.onmicrosoft.com', 'fabrikam in fabrikam.onmicrosoft.com']);
    assert.equal(pollers[0].parts.appCredentials, pollers[2].parts.appCredentials);
    assert.notEqual(pollers[3].parts.appCredentials, pollers[0].parts.appCredentials);
    assert.equal(pollers[4].parts.appCredentials, undefined, 'read_app is off by default');
    assert.deepEqual(
      made.tokens,
      ['customer-a', 'customer-a', 'customer-b', 'customer-c', 'fabrikam', 'contoso'],
      'one more token, for the home tenant; a tenant reading in its own directory uses its own',
    );
    await update([...customers.slice(1), own, tenant('contoso')]);
    assert.equal(made.readers.length, 2, 'the reader stays while a tenant of the app remains');
    await update([own, tenant('contoso')]);
    await update([...customers, own, tenant('contoso')]);
    assert.equal(made.readers.length, 3, 'dropped with the last tenant of the app, made again when one comes back');
  });
});
