import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, type Timers } from '../../../src/agent/agent.ts';
import { createTenantStatus } from '../../../src/agent/tenant-status.ts';
import type { PollResult, TenantPoller } from '../../../src/agent/tenant-poller.ts';
import type { TenantConfig } from '../../../src/config/types.ts';

/** Timers whose clock only moves when told; callbacks due by then run in time order. */
function fakeTimers(): Timers & { advance(ms: number, late?: number): Promise<void> } {
  let now = 1_000_000;
  let queue: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimeout: (run, ms) => {
      const entry = { at: now + ms, run };
      queue.push(entry);
      return entry;
    },
    clearTimeout: (handle) => void (queue = queue.filter((entry) => entry !== handle)),
    async advance(ms, late = 0) {
      const until = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > until) break;
        queue.shift();
        now = next.at + late;
        next.run();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = Math.max(now, until);
    },
  };
}

function fakePoller(name: string): TenantPoller {
  const tenant = { name, intervalMs: 60_000 } as TenantConfig;
  const result: PollResult = { ok: true, unchanged: false, changes: [], updates: [] };
  return { status: createTenantStatus(tenant, () => undefined), poll: async () => result };
}

test('onPollStart tells when each poll was planned and when it started', async () => {
  const timers = fakeTimers();
  const starts: { tenant: string; plannedAt: number; startedAt: number }[] = [];
  const agent = new Agent({
    pollers: [fakePoller('a'), fakePoller('b')],
    timers,
    random: () => 0,
    onPollStart: (tenant, plannedAt, startedAt) => starts.push({ tenant: tenant.name, plannedAt, startedAt }),
  });
  agent.start();
  await timers.advance(60_000, 250);
  await agent.stop();
  assert.deepEqual(
    starts.map((s) => [s.tenant, s.startedAt - s.plannedAt]),
    [['a', 250], ['b', 250], ['a', 250]],
  );
  assert.equal(starts[2]!.plannedAt, starts[0]!.plannedAt + 60_000, 'the plan keeps its cadence when a start is late');
});
