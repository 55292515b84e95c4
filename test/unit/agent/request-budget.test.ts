import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestBudget } from '../../../src/agent/request-budget.ts';

test('two-page polls every 5 s stay under 240 per minute and 800 per hour: the budget makes them wait', () => {
  const budget = new RequestBudget();
  let now = 0;
  let requests = 0;
  let delayed = 0;
  const perMinute: number[] = [];
  const times: number[] = [];
  while (now < 2 * 3_600_000) {
    const wait = budget.waitMs(now);
    if (wait > 0) {
      delayed++;
      now += wait;
      continue;
    }
    for (const page of [0, 1]) {
      budget.record(now + page);
      times.push(now + page);
      requests++;
    }
    now += 5_000;
  }
  for (const t of times) perMinute.push(times.filter((u) => u > t - 60_000 && u <= t).length);
  const perHour = Math.max(...times.map((t) => times.filter((u) => u > t - 3_600_000 && u <= t).length));
  assert.ok(Math.max(...perMinute) <= 200, `per minute ${Math.max(...perMinute)}`);
  assert.ok(perHour <= 720, `per hour ${perHour}`);
  assert.ok(delayed > 0, 'at 1,440 requests an hour the hourly budget binds');
  assert.ok(requests >= 1400, `budget still allows ${requests} requests in two hours`);
});

test('a burst of retries is spread by the per-minute window', () => {
  const budget = new RequestBudget([{ windowMs: 60_000, limit: 3 }]);
  for (const t of [0, 1000, 2000]) budget.record(t);
  assert.equal(budget.waitMs(2500), 57_500);
  assert.equal(budget.waitMs(60_001), 0);
  assert.equal(budget.waitMs(2500, 2), 58_500);
});
