import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import { createSharedCopies, createTenantPoller } from '../../../src/agent/tenant-poller.ts';
import { CLOUD_ENDPOINTS } from '../../../src/config/index.ts';
import { Secret } from '../../../src/shared/secret.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { SILENT_LOG } from '../../../src/log.ts';

const TENANT: TenantConfig = {
  name: 'contoso',
  tenantId: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
  clientSecret: new Secret('contoso-secret'),
  cloud: 'global',
  endpoints: CLOUD_ENDPOINTS.global,
  intervalMs: 60_000,
  timeoutMs: 30_000,
};

const operational = { id: 'Exchange', service: 'Exchange Online', status: 'serviceOperational', issues: [] };
const degraded = {
  id: 'Exchange',
  service: 'Exchange Online',
  status: 'serviceDegradation',
  issues: [
    {
      id: 'EX1',
      classification: 'incident',
      status: 'serviceDegradation',
      isResolved: false,
      title: 'Mail delayed',
      lastModifiedDateTime: '2026-12-01T10:00:00Z',
    },
  ],
};
const answer = (...services: unknown[]) => JSON.stringify({ value: services });

/** A poller of one tenant whose Graph answers the queued bodies, one per request, a minute apart. */
function pollerAnswering(bodies: string[]) {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const events: string[] = [];
  const tokens: TokenProvider = {
    expiresAt: undefined,
    getToken: async () => ({ value: 'token', expiresAt: now + 3_600_000 }),
    invalidate: () => {},
  };
  const poller = createTenantPoller({
    tenant: TENANT,
    tokens,
    get: async () =>
      new Response(bodies.shift() ?? 'no more answers', { headers: { 'content-type': 'application/json' } }),
    clock: () => now,
    sleep: async () => {},
    recorders: { recordPollError: () => {}, recordGraphResponse: () => {} },
    events: {
      emitStatusChange: (_, change) =>
        events.push(`status ${change.serviceId} ${change.previousStatus}>${change.status}`),
      emitIssueUpdate: (_, update) => events.push(`issue ${update.issue.id} ${update.update}`),
      emitMessageUpdate: () => {},
    },
    log: SILENT_LOG,
    shared: createSharedCopies(),
  });
  const poll = async () => {
    now += 60_000;
    return poller.poll(new AbortController().signal);
  };
  return { poller, poll, events, now: () => now };
}

describe('tenant poller: an answer the same as the poll before', () => {
  test('is not parsed again: same views and records, no event, only the poll time moves', async () => {
    const { poller, poll, events, now } = pollerAnswering([answer(degraded), answer(degraded), answer(operational)]);
    assert.deepEqual(await poll(), { ok: true, unchanged: false, changes: [], updates: [], messages: undefined });
    const views = poller.status.views;
    const memory = poller.memory!()!;

    assert.deepEqual(await poll(), { ok: true, unchanged: true, changes: [], updates: [], messages: undefined });
    assert.equal(poller.status.views, views, 'the views of the poll before, the same objects');
    assert.equal(poller.status.lastSuccessAt, now());
    const after = poller.memory!()!;
    assert.equal(after.polledAt, now());
    assert.equal(after.services, memory.services);
    assert.equal(after.issues, memory.issues);

    const changed = await poll();
    assert.ok(changed.ok && !changed.unchanged);
    assert.deepEqual(events, ['status Exchange serviceDegradation>serviceOperational']);
    assert.equal(poller.status.views?.[0]?.status, 'serviceOperational');
  });

  test('after a failed poll the same answer again is still the remembered one; a bad body is never taken for it', async () => {
    const { poller, poll } = pollerAnswering([answer(degraded), '<html>gateway</html>', answer(degraded)]);
    await poll();
    const failed = await poll();
    assert.equal(failed.ok, false);
    assert.equal(poller.status.lastPollOk, false);
    const again = await poll();
    assert.ok(again.ok && again.unchanged);
    assert.equal(poller.status.lastPollOk, true);
    assert.equal(poller.status.lastError, undefined);
  });

  test('a tenant restored from saved state parses its first answer, whatever it was before', async () => {
    const first = pollerAnswering([answer(degraded)]);
    await first.poll();
    const restored = createTenantPoller({
      tenant: TENANT,
      tokens: {
        expiresAt: undefined,
        getToken: async () => ({ value: 'token', expiresAt: Date.now() + 3_600_000 }),
        invalidate: () => {},
      },
      get: async () => new Response(answer(degraded)),
      clock: () => first.now() + 60_000,
      sleep: async () => {},
      recorders: { recordPollError: () => {}, recordGraphResponse: () => {} },
      events: { emitStatusChange: () => {}, emitIssueUpdate: () => {}, emitMessageUpdate: () => {} },
      log: SILENT_LOG,
      shared: createSharedCopies(),
      memory: first.poller.memory!(),
    });
    const result = await restored.poll(new AbortController().signal);
    assert.ok(result.ok && !result.unchanged);
    assert.equal(restored.status.views?.[0]?.status, 'serviceDegradation');
  });
});

describe('tenant poller: events before the memory that remembers them', () => {
  test('a poll emits its events, then hands its memory to be saved: a crash between repeats an event, never loses one', async () => {
    const bodies = [answer(degraded), answer(operational)];
    let now = Date.parse('2026-12-01T10:00:00Z');
    const order: string[] = [];
    const poller = createTenantPoller({
      tenant: TENANT,
      tokens: {
        expiresAt: undefined,
        getToken: async () => ({ value: 'token', expiresAt: now + 3_600_000 }),
        invalidate: () => {},
      },
      get: async () => new Response(bodies.shift() ?? 'no more answers'),
      clock: () => now,
      sleep: async () => {},
      recorders: { recordPollError: () => {}, recordGraphResponse: () => {} },
      events: {
        emitStatusChange: (_, change) => order.push(`emit ${change.eventId}`),
        emitIssueUpdate: (_, update) => order.push(`emit ${update.eventId}`),
        emitMessageUpdate: () => {},
      },
      log: SILENT_LOG,
      shared: createSharedCopies(),
      onMemory: async (memory) => void order.push(`save statusSequence=${memory.statusSequence}`),
    });
    const baselineAt = now;
    await poller.poll(new AbortController().signal);
    now += 60_000;
    await poller.poll(new AbortController().signal);
    assert.deepEqual(order, [
      'save statusSequence=0',
      `emit ${baselineAt}/s1/Exchange:serviceDegradation>serviceOperational:2>0`,
      'save statusSequence=1',
    ]);
  });
});
