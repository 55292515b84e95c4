import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeServicePage } from '../../../src/graph/decode.ts';
import { StringPool } from '../../../src/health/string-pool.ts';

test('equal strings come back as the first copy; past the limit the pool starts over', () => {
  const pool = new StringPool(2);
  const first = pool.intern(['service', 'Operational'].join(''));
  assert.equal(pool.intern('serviceOperational'), first);
  pool.intern('b');
  pool.intern('c');
  assert.equal(pool.intern('serviceOperational'), 'serviceOperational');
});

test('decoding keeps the values: pooled strings are equal strings', () => {
  const page = decodeServicePage(
    JSON.parse(
      '{"value":[{"id":"Exchange","service":"Exchange Online","status":"serviceDegradation","issues":[{"id":"EX1","title":"t","status":"investigating","lastModifiedDateTime":"2026-01-01T00:00:00Z","featureGroup":""}]}]}',
    ),
  );
  const service = page.services[0];
  assert.deepEqual(
    [service.id, service.name, service.rawStatus],
    ['Exchange', 'Exchange Online', 'serviceDegradation'],
  );
  assert.deepEqual(
    [service.issues[0].id, service.issues[0].lastModifiedDateTime, service.issues[0].featureGroup],
    ['EX1', '2026-01-01T00:00:00Z', undefined],
  );
});
