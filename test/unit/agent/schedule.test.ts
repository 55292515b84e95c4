import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initialDelay, MAX_CONFIG_ERROR_BACKOFF_MS, nextDelay, startLoop } from '../../../src/agent/schedule.ts';
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
