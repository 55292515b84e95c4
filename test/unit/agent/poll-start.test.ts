import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent } from '../../../src/agent/agent.ts';
import { startObservation } from '../../../src/observation/observation.ts';
import type { PollResult, TenantPoller } from '../../../src/agent/tenant-poller.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { M365Error } from '../../../src/errors.ts';
import { fakeTimers } from '../../helpers/fake-timers.ts';

/** Any tenant's observation: these tests read none. */
const observation = startObservation({ name: 'a', intervalMs: 60_000 } as TenantConfig, undefined);

function fakePoller(
  name: string,
  results: PollResult[] = [{ ok: true, unchanged: false, changes: [], updates: [], observation }],
): TenantPoller {
  const tenant = { name, intervalMs: 60_000 } as TenantConfig;
  let polls = 0;
  return {
    tenant,
    initial: startObservation(tenant, undefined),
    poll: async () => results[Math.min(polls++, results.length - 1)],
  };
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
    [
      ['a', 250],
      ['b', 250],
      ['a', 250],
    ],
  );
  assert.equal(starts[2].plannedAt, starts[0].plannedAt + 60_000, 'the plan keeps its cadence when a start is late');
});

test('onPollEnd tells how each poll ended, and not of a poll cut short by the stop', async () => {
  const timers = fakeTimers();
  const failed: PollResult = { ok: false, error: new M365Error('GRAPH_ERROR', 'Graph answered 503'), observation };
  const same: PollResult = { ok: true, unchanged: true, changes: [], updates: [], observation };
  const fresh: PollResult = { ok: true, unchanged: false, changes: [], updates: [], observation };
  const ends: [string, PollResult][] = [];
  let release: () => void = () => undefined;
  const hangs = { name: 'hangs', intervalMs: 60_000 } as TenantConfig;
  const hanging: TenantPoller = {
    tenant: hangs,
    initial: startObservation(hangs, undefined),
    poll: (signal) => new Promise((resolve) => (release = () => resolve(signal.aborted ? failed : fresh))),
  };
  const agent = new Agent({
    pollers: [fakePoller('a', [fresh, failed, same]), hanging],
    timers,
    random: () => 0,
    onPollEnd: (tenant, result) => ends.push([tenant.name, result]),
  });
  agent.start();
  await timers.advance(60_000 * 3);
  const stopping = agent.stop();
  release();
  await stopping;
  assert.deepEqual(
    ends.slice(0, 3).map(([, result]) => result),
    [fresh, failed, same],
  );
  assert.deepEqual(new Set(ends.map(([name]) => name)), new Set(['a']), 'the poll the stop cut short is not told');
});
