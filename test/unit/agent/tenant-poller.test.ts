import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import { createSharedCopies, createTenantPoller, type PollResult } from '../../../src/agent/tenant-poller.ts';
import { CLOUD_ENDPOINTS } from '../../../src/config/index.ts';
import { Secret } from '../../../src/shared/secret.ts';
import { LEGACY_FEATURE_CATALOGUE } from '../../../src/health/feature-groups.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { SILENT_LOG } from '../../../src/log.ts';
import type { Observation } from '../../../src/observation/observation.ts';

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

/**
 * A poller of one tenant whose Graph answers the queued bodies, one per request, a minute apart, each after
 * `graphMs`; its token lasts an hour from when it is taken. `previous`: the observation it carries over, to
 * `tenant` (default {@link TENANT}).
 */
function pollerAnswering(
  bodies: string[],
  options: { graphMs?: number; previous?: Observation; tenant?: TenantConfig; featureHealth?: boolean } = {},
) {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const events: string[] = [];
  let expiresAt: number | undefined;
  const tokens: TokenProvider = {
    get expiresAt() {
      return expiresAt;
    },
    getToken: async () => ({ value: 'token', expiresAt: (expiresAt = now + 3_600_000) }),
    invalidate: () => {},
  };
  const poller = createTenantPoller({
    tenant: options.tenant ?? TENANT,
    tokens,
    get: async () => {
      now += options.graphMs ?? 0;
      return new Response(bodies.shift() ?? 'no more answers', { headers: { 'content-type': 'application/json' } });
    },
    clock: () => now,
    sleep: async () => {},
    recorders: { recordPollError: () => {}, recordGraphResponse: () => {} },
    commit: async (_, records) => {
      for (const { eventName, attributes = {} } of records)
        events.push(
          eventName === 'm365.service.status_change'
            ? `status ${String(attributes['m365.service.id'])} ${String(attributes['m365.service.previous_state'])}>${String(attributes['m365.service.state'])}`
            : `issue ${String(attributes['m365.issue.id'])} ${String(attributes['m365.issue.update_kind'])}`,
        );
    },
    log: SILENT_LOG,
    shared: createSharedCopies(),
    previous: options.previous,
    featureHealth: options.featureHealth,
  });
  const poll = async () => {
    now += 60_000;
    return poller.poll(new AbortController().signal);
  };
  return { poller, poll, events, now: () => now };
}

/** What a poll found, without the observation it returned. */
function reportOf(result: PollResult) {
  const { observation: _observation, ...report } = result;
  return report;
}

describe('tenant poller: feature groups', () => {
  test('are evaluated for m365.feature.health, and not at all with it off; services and events are the same', async () => {
    const on = pollerAnswering([answer(operational), answer(degraded)]);
    const off = pollerAnswering([answer(operational), answer(degraded)], { featureHealth: false });
    const last = async (p: typeof on) => (await p.poll(), await p.poll()).observation.views ?? [];
    const [viewsOn, viewsOff] = [await last(on), await last(off)];
    assert.deepEqual(
      viewsOn[0].features.map((f) => f.group),
      LEGACY_FEATURE_CATALOGUE.exchange,
    );
    assert.deepEqual(viewsOff[0].features, []);
    assert.deepEqual({ ...viewsOff[0], features: undefined }, { ...viewsOn[0], features: undefined });
    assert.deepEqual(off.events, on.events, 'the same events');
    assert.deepEqual(on.events, ['issue EX1 opened', 'status Exchange serviceOperational>serviceDegradation']);
  });
});

describe('tenant poller: an answer the same as the poll before', () => {
  test('is not parsed again: same views and records, no event, only the poll time moves', async () => {
    const { poller, poll, events, now } = pollerAnswering([answer(degraded), answer(degraded), answer(operational)]);
    const first = await poll();
    assert.deepEqual(reportOf(first), { ok: true, unchanged: false, changes: [], updates: [], messages: undefined });
    const views = first.observation.views;
    const memory = poller.memory!()!;

    const same = await poll();
    assert.deepEqual(reportOf(same), { ok: true, unchanged: true, changes: [], updates: [], messages: undefined });
    assert.equal(same.observation.views, views, 'the views of the poll before, the same objects');
    assert.equal(same.observation.lastSuccessAt, now());
    const after = poller.memory!()!;
    assert.equal(after.polledAt, now());
    assert.equal(after.services, memory.services);
    assert.equal(after.issues, memory.issues);

    const changed = await poll();
    assert.ok(changed.ok && !changed.unchanged);
    assert.deepEqual(events, ['status Exchange serviceDegradation>serviceOperational']);
    assert.equal(changed.observation.views?.[0]?.status, 'serviceOperational');
  });

  test('after a failed poll the same answer again is still the remembered one; a bad body is never taken for it', async () => {
    const { poll } = pollerAnswering([answer(degraded), '<html>gateway</html>', answer(degraded)]);
    await poll();
    const failed = await poll();
    assert.equal(failed.ok, false);
    assert.equal(failed.observation.outcome?.ok, false);
    const again = await poll();
    assert.ok(again.ok && again.unchanged);
    assert.deepEqual(again.observation.outcome, { ok: true });
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
      log: SILENT_LOG,
      shared: createSharedCopies(),
      memory: first.poller.memory!(),
    });
    const result = await restored.poll(new AbortController().signal);
    assert.ok(result.ok && !result.unchanged);
    assert.equal(result.observation.views?.[0]?.status, 'serviceDegradation');
  });
});

describe('tenant poller: each poll returns the tenant’s observation after it', () => {
  test('a good poll: when it ended and how long it took, what Graph answered, the token’s expiry; frozen', async () => {
    const { poller, poll, now } = pollerAnswering([answer(degraded)], { graphMs: 250 });
    assert.deepEqual(
      { ...poller.initial },
      {
        tenant: TENANT,
        outcome: undefined,
        polledAt: undefined,
        pollDurationMs: undefined,
        lastSuccessAt: undefined,
        views: undefined,
        tokenExpiresAt: undefined,
      },
      'before the first poll: nothing yet',
    );
    const { observation } = await poll();
    assert.ok(Object.isFrozen(observation) && Object.isFrozen(observation.views?.[0]));
    assert.equal(observation.tenant, TENANT);
    assert.deepEqual(observation.outcome, { ok: true });
    assert.equal(observation.polledAt, now());
    assert.equal(observation.pollDurationMs, 250);
    assert.equal(observation.lastSuccessAt, now());
    assert.deepEqual(
      observation.views?.map((view) => [view.id, view.status, view.openIssues.map((issue) => issue.id)]),
      [['Exchange', 'serviceDegradation', ['EX1']]],
    );
    assert.equal(observation.tokenExpiresAt, now() - 250 + 3_600_000, 'a value, taken when the poll ended');
  });

  test('a failed poll tells why and keeps the last good answer; the observation before it is left as it was', async () => {
    const { poll, now } = pollerAnswering([answer(degraded), '<html>gateway</html>']);
    const good = (await poll()).observation;
    const goodAt = now();
    const failed = (await poll()).observation;
    assert.equal(failed.outcome?.ok === false && failed.outcome.error.code, 'GRAPH_BAD_RESPONSE');
    assert.equal(failed.polledAt, now());
    assert.equal(failed.lastSuccessAt, goodAt);
    assert.equal(failed.views, good.views, 'the last good views, kept');
    assert.deepEqual(good.outcome, { ok: true }, 'an observation is never changed');
    assert.equal(good.polledAt, goodAt);
  });

  test('a poller replacing one whose settings changed starts from its latest observation, under the new settings', async () => {
    const before = pollerAnswering([answer(degraded)]);
    const latest = (await before.poll()).observation;
    const slower = { ...TENANT, intervalMs: 120_000 };
    const { poller, poll } = pollerAnswering(['<html>gateway</html>'], { previous: latest, tenant: slower });
    assert.deepEqual({ ...poller.initial }, { ...latest, tenant: slower, tokenExpiresAt: undefined });
    assert.equal(latest.tenant, TENANT, 'the latest observation is left as it was');
    const failed = (await poll()).observation;
    assert.equal(failed.outcome?.ok, false);
    assert.equal(failed.tenant, slower);
    assert.equal(failed.views, latest.views, 'the carried views are kept through a failure');
    assert.equal(failed.lastSuccessAt, latest.lastSuccessAt);
  });
});

describe('tenant poller: events and the memory that remembers them, committed together', () => {
  test('a poll hands its memory and the events it implies to be committed in one call: no crash can come between them', async () => {
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
      log: SILENT_LOG,
      shared: createSharedCopies(),
      commit: async (memory, records) =>
        void order.push(
          `commit statusSequence=${memory.statusSequence} events=${records.map((r) => String(r.attributes?.['m365.event.id'])).join(',')}`,
        ),
    });
    const baselineAt = now;
    await poller.poll(new AbortController().signal);
    now += 60_000;
    await poller.poll(new AbortController().signal);
    assert.deepEqual(order, [
      'commit statusSequence=0 events=',
      `commit statusSequence=1 events=${TENANT.tenantId}/${baselineAt}/s1/Exchange:serviceDegradation>serviceOperational:2>0`,
    ]);
  });
});
