import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextDelay, SYSTEM_TIMERS } from '../../../src/agent/schedule.ts';
import { sleep } from '../../../src/shared/sleep.ts';
import { M365Error } from '../../../src/errors.ts';
import { MAX_RETRY_AFTER_MS, readRetryAfter } from '../../../src/shared/retry-after.ts';
import { MAX_TIMER_DELAY_MS, timerDelay } from '../../../src/shared/timer-delay.ts';

describe('timerDelay: what a timer can hold', () => {
  test('clamps to [0, 2^31-1]; Infinity is the longest, NaN and negatives none', () => {
    assert.equal(MAX_TIMER_DELAY_MS, 2_147_483_647);
    assert.deepEqual([3e9, Infinity, MAX_TIMER_DELAY_MS, 1500, 0, -5, Number.NaN].map(timerDelay), [
      MAX_TIMER_DELAY_MS,
      MAX_TIMER_DELAY_MS,
      MAX_TIMER_DELAY_MS,
      1500,
      0,
      0,
      0,
    ]);
  });

  test('a huge sleep and a huge scheduler timer do not fire before a 20 ms timer, and Node warns of no overflow', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const fired: string[] = [];
    const controller = new AbortController();
    const sleeping = sleep(3e9, controller.signal).then(
      () => fired.push('sleep'),
      () => undefined,
    );
    const handle = SYSTEM_TIMERS.setTimeout(() => fired.push('scheduler'), Infinity);
    // Timers fire in order of their instants: an overflow to 1 ms would fire before this one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(fired, []);
    controller.abort();
    SYSTEM_TIMERS.clearTimeout(handle);
    await sleeping;
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    assert.deepEqual(warnings, []);
  });
});

describe('Retry-After beyond the horizon', () => {
  test('seconds and dates past an hour are capped at an hour, and said to be', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.deepEqual(readRetryAfter('3000000', now), { askedMs: 3e9, waitMs: MAX_RETRY_AFTER_MS, capped: true });
    assert.deepEqual(readRetryAfter('Wed, 01 Jan 2031 00:00:00 GMT', now)?.waitMs, MAX_RETRY_AFTER_MS);
    assert.deepEqual(readRetryAfter('9'.repeat(400), now), {
      askedMs: Infinity,
      waitMs: MAX_RETRY_AFTER_MS,
      capped: true,
    });
    assert.deepEqual(readRetryAfter('2.5', now), { askedMs: 2500, waitMs: 2500, capped: false });
    assert.equal(readRetryAfter('soon', now), undefined);
  });

  test('the scheduler waits at most an hour for any error that asks for more', () => {
    const error = new M365Error('GRAPH_THROTTLED', 'x', { retryAfter: 3_000_000 });
    const base = { plannedAt: 0, now: 0, intervalMs: 60_000, consecutiveFailures: 1, random: () => 0.5 };
    assert.equal(nextDelay({ ...base, error }), MAX_RETRY_AFTER_MS);
    assert.equal(
      nextDelay({ ...base, error: new M365Error('GRAPH_THROTTLED', 'x', { retryAfter: Infinity }) }),
      MAX_RETRY_AFTER_MS,
    );
  });
});
