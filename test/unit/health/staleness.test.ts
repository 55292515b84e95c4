import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dataAgeSeconds,
  isStale,
  shownHealth,
  STALE_AFTER_INTERVALS,
  tokenLifetimeSeconds,
} from '../../../src/health/staleness.ts';
import { HEALTH_UNKNOWN } from '../../../src/health/model.ts';

const observed = (lastSuccessAt: number | undefined, tokenExpiresAt?: number) => ({
  tenant: { intervalMs: 60_000 },
  lastSuccessAt,
  tokenExpiresAt,
});

test('data is stale past three intervals since the last good answer, and when there was none', () => {
  const limit = STALE_AFTER_INTERVALS * 60_000;
  assert.equal(isStale(observed(1_000), 1_000 + limit), false);
  assert.equal(isStale(observed(1_000), 1_000 + limit + 1), true);
  assert.equal(isStale(observed(undefined), 0), true);
  assert.equal(shownHealth(2, false), 2);
  assert.equal(shownHealth(2, true), HEALTH_UNKNOWN);
});

test('the age of the data and the token’s time left, in seconds, from the observation and the time', () => {
  assert.equal(dataAgeSeconds(observed(1_000), 61_000), 60);
  assert.equal(dataAgeSeconds(observed(undefined), 61_000), undefined);
  assert.equal(tokenLifetimeSeconds(observed(undefined, 3_601_000), 1_000), 3_600);
  assert.equal(tokenLifetimeSeconds(observed(undefined, 1_000), 61_000), 0, 'an expired token has no time left');
  assert.equal(tokenLifetimeSeconds(observed(undefined), 1_000), undefined);
});
