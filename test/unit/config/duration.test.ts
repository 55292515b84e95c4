import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../../src/config/index.ts';

describe('parseDuration', () => {
  test('reads h, m, s and ms, alone or combined largest first', () => {
    const cases: [string, number][] = [
      ['30s', 30_000],
      ['5m', 300_000],
      ['1h', 3_600_000],
      ['1500ms', 1_500],
      ['1m30s', 90_000],
      ['1h2m3s4ms', 3_723_004],
      ['0s', 0],
      ['90m', 5_400_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  test('refuses bare numbers, unknown units, wrong order, repeats, signs, fractions and spaces', () => {
    for (const text of ['', '60', '5 m', '5min', '1.5s', '-5s', '+5s', '30s1m', '1m1m', 'ms', 's', '5M', ' 5m', '1d']) {
      assert.equal(parseDuration(text), undefined, JSON.stringify(text));
    }
  });

  test('refuses values too large to count exactly', () => {
    assert.equal(parseDuration('99999999999999999999h'), undefined);
  });

  test('formatDuration writes what parseDuration reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 3_600_000 }), (ms) => {
        assert.equal(parseDuration(formatDuration(ms)), ms);
      }),
    );
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(1_500), '1s500ms');
    assert.equal(formatDuration(0), '0s');
  });
});
