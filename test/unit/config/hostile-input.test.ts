import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_FILE_BYTES } from '../../../src/config/index.ts';
import { formattedProblems, parseText, VALID_TENANT } from './fixture-support.ts';

/** Parses `text`, asserting it takes less than `ms` (generous: this is about blow-ups, not speed). */
function parseWithin(text: string, ms: number): string[] {
  const started = performance.now();
  const problems = formattedProblems(parseText(text));
  assert.ok(performance.now() - started < ms, `took ${Math.round(performance.now() - started)} ms`);
  return problems;
}

describe('hostile input', () => {
  test('text over 1 MiB is refused before parsing', () => {
    assert.deepEqual(parseWithin(`${VALID_TENANT}#${'é'.repeat(MAX_FILE_BYTES / 2)}`, 1_000), [
      `config.yaml: file is ${VALID_TENANT.length + 1 + MAX_FILE_BYTES} bytes, larger than the limit of 1048576 (1 MiB)`,
    ]);
  });

  test('deeply nested flow collections are refused before parsing', () => {
    assert.deepEqual(parseWithin(`tenants: ${'['.repeat(300_000)}`, 3_000), [
      'config.yaml:1:42: invalid YAML: flow collections ("[…]", "{…}") nested more than 32 levels deep',
    ]);
  });

  test('a cascade of problems is cut at 100, saying how many more there are', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `unknown${i}: x`).join('\n');
    const problems = parseWithin(`${VALID_TENANT}${keys}\n`, 10_000);
    assert.equal(problems.length, 101);
    assert.equal(
      problems[0],
      'config.yaml:6:1: unknown key "unknown0"; allowed keys: defaults, events, exporter, http, metrics, resource, server, state, tenants, tenants_from',
    );
    assert.equal(problems[100], 'config.yaml: 19900 more problems not shown; fix the ones above first');
  });

  test('aliases that would expand exponentially are refused', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) laughs.push(`l${i}: &l${i} [${`*${i === 1 ? 'a' : `l${i - 1}`}, `.repeat(10)}]`);
    const problems = parseWithin(`${laughs.join('\n')}\n${VALID_TENANT}`, 2_000);
    assert.deepEqual(problems, [
      'config.yaml:1:1: invalid YAML: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });
});
