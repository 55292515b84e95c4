import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Agent, MAX_POLLS_IN_FLIGHT as BOUND } from '../../../src/agent/agent.ts';
import type { PollResult, TenantPoller } from '../../../src/agent/tenant-poller.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { startObservation } from '../../../src/observation/observation.ts';
import { fakeTimers } from '../../helpers/fake-timers.ts';

const INTERVAL = 60_000;

/**
 * `count` tenants whose polls stay in flight until `end(name)` or their abort: which started, in order, how many are
 * in flight and the most ever at once, and a promise of the `n`th start.
 */
function heldPollers(count: number, first = 0) {
  const started: string[] = [];
  const open = new Map<string, () => void>();
  const waits: { n: number; resolve: () => void }[] = [];
  let peak = 0;
  const pollers = Array.from({ length: count }, (_, i): TenantPoller => {
    const tenant = { name: `t${first + i}`, intervalMs: INTERVAL } as TenantConfig;
    const result: PollResult = {
      ok: true,
      unchanged: false,
      changes: [],
      updates: [],
      observation: startObservation(tenant, undefined),
    };
    return {
      tenant,
      initial: startObservation(tenant, undefined),
      poll: (signal) =>
        new Promise((resolve) => {
          started.push(tenant.name);
          const end = () => {
            open.delete(tenant.name);
            resolve(result);
          };
          open.set(tenant.name, end);
          peak = Math.max(peak, open.size);
          if (signal.aborted) end();
          else signal.addEventListener('abort', end, { once: true });
          for (const wait of waits.filter((w) => started.length >= w.n)) wait.resolve();
        }),
    };
  });
  return {
    pollers,
    started,
    inFlight: () => [...open.keys()],
    peak: () => peak,
    end: (name: string) => open.get(name)!(),
    /** Resolves once `n` polls have started in all. */
    startedCount(n: number): Promise<void> {
      const { promise, resolve } = Promise.withResolvers<void>();
      if (started.length >= n) resolve();
      else waits.push({ n, resolve });
      return promise;
    },
  };
}

const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `t${from + i}`);

describe('polls in flight', () => {
  test('with more tenants than places, at most the bound poll at once; the others start in turn as places free, late', async () => {
    const timers = fakeTimers(0);
    const fleet = heldPollers(2 * BOUND);
    const lags = new Map<string, number>();
    const agent = new Agent({
      pollers: fleet.pollers,
      timers,
      random: () => 0,
      onPollStart: (tenant, plannedAt, startedAt) => lags.set(tenant.name, startedAt - plannedAt),
    });
    agent.start();
    await timers.advance(INTERVAL - 1);
    assert.deepEqual(fleet.started, names(0, BOUND), 'the first due hold every place');
    assert.equal(lags.size, BOUND, 'a poll waiting for a place has not started');
    await timers.advance(5_000);
    for (const name of ['t0', 't1', 't2']) fleet.end(name);
    await fleet.startedCount(BOUND + 3);
    assert.deepEqual(fleet.started.slice(BOUND), names(BOUND, BOUND + 3), 'the longest waiters, in turn');
    assert.equal(fleet.inFlight().length, BOUND);
    assert.ok(lags.get(`t${BOUND}`)! > 5_000, `the wait shows as lag, ${lags.get(`t${BOUND}`)} ms`);
    // Due again at once (they are late): behind every tenant that waits since before.
    await timers.advance(0);
    assert.equal(fleet.started.length, BOUND + 3);
    assert.equal(fleet.peak(), BOUND);
    await agent.stop();
  });

  test('a reload takes removed and replaced tenants out of the queue; an aborted poll frees its place', async () => {
    const timers = fakeTimers(0);
    const fleet = heldPollers(BOUND + 10);
    const agent = new Agent({ pollers: fleet.pollers, timers, random: () => 0 });
    agent.start();
    await timers.advance(INTERVAL);
    assert.deepEqual(fleet.inFlight(), names(0, BOUND), 'the others wait, from t' + BOUND);
    // Removed: t0, which polls, and the first six that wait; replaced: the seventh, which waits again, last.
    const replaced = BOUND + 6;
    const replacement = heldPollers(1, replaced);
    const kept = fleet.pollers.filter((_, i) => i > 0 && (i < BOUND || i > replaced));
    const summary = agent.reconcile([...kept, ...replacement.pollers]);
    assert.equal(summary.removed.length, 7);
    assert.deepEqual(summary.restarted, [`t${replaced}`]);
    await fleet.startedCount(BOUND + 1);
    assert.deepEqual(fleet.started.slice(BOUND), [`t${replaced + 1}`], "t0's place went to the first waiter left");
    await timers.advance(0);
    for (const name of ['t1', `t${replaced + 1}`]) fleet.end(name);
    await fleet.startedCount(BOUND + 3);
    assert.deepEqual(fleet.started.slice(BOUND), names(replaced + 1, BOUND + 10));
    assert.deepEqual(replacement.started, [], 'the replacement waits behind those that waited before it');
    fleet.end('t2');
    await replacement.startedCount(1);
    assert.equal(fleet.inFlight().length + replacement.inFlight().length, BOUND);
    await agent.stop();
    assert.deepEqual([...fleet.inFlight(), ...replacement.inFlight()], []);
  });

  test('stop releases every waiter and every place: a start afterwards has them all', async () => {
    const timers = fakeTimers(0);
    const fleet = heldPollers(BOUND + 10);
    const agent = new Agent({ pollers: fleet.pollers, timers, random: () => 0 });
    agent.start();
    await timers.advance(INTERVAL);
    await agent.stop();
    assert.deepEqual(fleet.inFlight(), [], 'the polls in flight were aborted');
    assert.equal(fleet.started.length, BOUND, 'no waiter started as the places freed');
    agent.start();
    await timers.advance(INTERVAL);
    assert.equal(fleet.started.length, 2 * BOUND, 'all the places are there again');
    await agent.stop();
  });

  test('pollAll shares the places: at most the bound at once, every tenant polled as they free', async () => {
    const fleet = heldPollers(BOUND + 10);
    const agent = new Agent({ pollers: fleet.pollers, timers: fakeTimers(0) });
    const all = agent.pollAll();
    await fleet.startedCount(BOUND);
    for (const name of names(0, 10)) fleet.end(name);
    await fleet.startedCount(BOUND + 10);
    assert.equal(fleet.peak(), BOUND);
    for (const name of fleet.inFlight()) fleet.end(name);
    await all;
    assert.deepEqual(fleet.started, names(0, BOUND + 10));
  });

  test('pollAll stops asking for places once its signal aborts', async () => {
    const fleet = heldPollers(BOUND + 10);
    const agent = new Agent({ pollers: fleet.pollers, timers: fakeTimers(0) });
    const stop = new AbortController();
    const all = agent.pollAll(stop.signal);
    await fleet.startedCount(BOUND);
    stop.abort();
    await all;
    assert.equal(fleet.started.length, BOUND);
    assert.deepEqual(fleet.inFlight(), []);
  });
});
