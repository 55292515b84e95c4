import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeServicePage } from '../../../src/graph/decode.ts';
import { Interner } from '../../../src/health/interner.ts';

test('equal strings come back as the first copy; past the limit the interner starts over', () => {
  const texts = new Interner<string>(2);
  const intern = (text: string) => texts.intern(text, () => text);
  const first = intern(['service', 'Operational'].join(''));
  assert.equal(intern('serviceOperational'), first);
  intern('b');
  intern('c');
  assert.equal(intern('serviceOperational'), 'serviceOperational');
});

test('decoding keeps the values: pooled strings are equal strings', () => {
  const page = decodeServicePage(
    JSON.parse(
      '{"value":[{"id":"Exchange","service":"Exchange Online","status":"serviceDegradation","issues":[{"id":"EX1","title":"t","status":"investigating","lastModifiedDateTime":"2026-01-01T00:00:00Z","featureGroup":""}]}]}',
    ),
  );
  const service = page.entries[0];
  assert.deepEqual(
    [service.id, service.name, service.rawStatus],
    ['Exchange', 'Exchange Online', 'serviceDegradation'],
  );
  assert.deepEqual(
    [service.issues[0].id, service.issues[0].lastModifiedDateTime, service.issues[0].featureGroup],
    ['EX1', '2026-01-01T00:00:00Z', undefined],
  );
});
