import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  initialDelay,
  MAX_CONFIG_ERROR_BACKOFF_MS,
  nextDelay,
  Semaphore,
  startLoop,
} from '../../../src/agent/schedule.ts';
import { M365Error } from '../../../src/errors.ts';
import { fakeTimers } from '../../helpers/fake-timers.ts';

describe('initialDelay', () => {
  test('spreads many tenants over the interval and few over a few seconds', () => {
    const many = Array.from({ length: 1000 }, (_, i) => initialDelay(i, 1000, 60_000, () => 0.5));
    assert.ok(Math.max(...many) < 60_000);
    assert.ok(many[999] - many[0] > 59_000);
    assert.ok(initialDelay(1, 2, 300_000, () => 0.99) < 2000);
  });
});

describe('nextDelay', () => {
  const base = { plannedAt: 0, intervalMs: 60_000, consecutiveFailures: 0, random: () => 0.5 };
  test('keeps the cadence of the plan', () => {
    assert.equal(nextDelay({ ...base, now: 2_500, error: undefined }), 57_500);
    assert.equal(nextDelay({ ...base, now: 70_000, error: undefined }), 0);
  });
  test('waits at least what Retry-After asked', () => {
    const error = new M365Error('GRAPH_THROTTLED', 'x', { retryAfter: 120 });
    assert.equal(nextDelay({ ...base, now: 1000, error, consecutiveFailures: 1 }), 120_000);
  });
  test('backs off exponentially on configuration errors, capped', () => {
    const error = new M365Error('AUTH_INVALID_SECRET', 'x');
    const delays = [1, 2, 3, 10, 20].map((n) => nextDelay({ ...base, now: 0, error, consecutiveFailures: n }));
    assert.deepEqual(delays, [60_000, 120_000, 240_000, MAX_CONFIG_ERROR_BACKOFF_MS, MAX_CONFIG_ERROR_BACKOFF_MS]);
  });
  test('transient errors keep the interval', () => {
    const error = new M365Error('NETWORK', 'x');
    assert.equal(nextDelay({ ...base, now: 0, error, consecutiveFailures: 5 }), 60_000);
  });
});

describe('startLoop', () => {
  test('runs after the first delay, then after each delay a run asks for; a run that asks none is the last', async () => {
    const timers = fakeTimers(0);
    const runs: number[] = [];
    startLoop(timers, 1_000, async (_signal, again) => {
      runs.push(timers.now());
      if (runs.length < 3) again(5_000);
    });
    await timers.advance(60_000);
    assert.deepEqual(runs, [1_000, 6_000, 11_000]);
    assert.equal(timers.pending(), 0);
  });

  test('stop aborts the run in flight, resolves once it settled, and nothing runs after', async () => {
    const timers = fakeTimers(0);
    let runs = 0;
    let settled = false;
    const loop = startLoop(timers, 0, async (signal, again) => {
      runs++;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      settled = true;
      again(1_000);
    });
    await timers.advance(0);
    assert.equal(runs, 1);
    await loop.stop();
    assert.equal(settled, true, 'stop waited for the run in flight');
    await timers.advance(10_000);
    assert.equal(runs, 1, 'an aborted run schedules no successor');
    assert.equal(timers.pending(), 0);
  });
});

describe('Semaphore', () => {
  /** Who holds a place, in the order they got it, and the release of each. */
  function holders(semaphore: Semaphore) {
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const take = (name: string, signal = new AbortController().signal) =>
      semaphore.take(signal).then((release) => {
        if (release === undefined) return false;
        order.push(name);
        releases.set(name, release);
        return true;
      });
    const release = (name: string) => releases.get(name)!();
    return { order, take, release };
  }
  /** Runs every promise job queued so far, and those they queue: no timer involved. */
  async function settle() {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }

  test('holds at most its size; the others wait', async () => {
    const places = holders(new Semaphore(2));
    for (const name of ['a', 'b', 'c', 'd']) void places.take(name);
    await settle();
    assert.deepEqual(places.order, ['a', 'b']);
  });

  test('a released place goes to the longest waiter, before anyone who comes later', async () => {
    const places = holders(new Semaphore(1));
    for (const name of ['a', 'b', 'c']) void places.take(name);
    await settle();
    places.release('a');
    void places.take('late');
    await settle();
    assert.deepEqual(places.order, ['a', 'b']);
    places.release('b');
    await settle();
    places.release('c');
    await settle();
    assert.deepEqual(places.order, ['a', 'b', 'c', 'late']);
  });

  test('a holder releasing twice frees its place once', async () => {
    const places = holders(new Semaphore(1));
    void places.take('a');
    await settle();
    places.release('a');
    places.release('a');
    for (const name of ['b', 'c']) void places.take(name);
    await settle();
    assert.deepEqual(places.order, ['a', 'b']);
  });

  test('a waiter whose signal aborts leaves the queue holding nothing, and frees nothing', async () => {
    const places = holders(new Semaphore(1));
    const stop = new AbortController();
    void places.take('a');
    const b = places.take('b', stop.signal);
    void places.take('c');
    await settle();
    stop.abort();
    assert.equal(await b, false, 'the aborted waiter gets no place');
    await settle();
    assert.deepEqual(places.order, ['a'], 'its leaving freed no place');
    places.release('a');
    await settle();
    assert.deepEqual(places.order, ['a', 'c'], 'the place freed went past it');
  });

  test('an aborted signal gets no place, and an abort after the place was given takes nothing back', async () => {
    const places = holders(new Semaphore(1));
    assert.equal(await places.take('early', AbortSignal.abort()), false);
    const stop = new AbortController();
    assert.equal(await places.take('a', stop.signal), true);
    void places.take('b');
    stop.abort();
    await settle();
    assert.deepEqual(places.order, ['a'], 'a holds its place until it releases it');
    places.release('a');
    await settle();
    assert.deepEqual(places.order, ['a', 'b']);
  });
});
