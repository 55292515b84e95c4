import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../../bench/bench.ts';
import { figuresOf, formatResults, targetsOf } from '../../bench/format-results.ts';

/**
 * The bench still measures what it says: a small run polls, exports and counts. Its timing figures are not checked
 * here (`npm run bench:quick` gates the overhead ratio on a quiet machine), so a busy machine cannot fail this test.
 */
test(
  'a small bench run polls, exports series and measures the agent against the bare HTTP calls',
  { timeout: 120_000 },
  async () => {
    const row = { tenants: 20, intervalMs: 5_000, intervals: 2, warmup: 1, serviceStatus: false };
    const result = await runBench({
      rows: [
        { ...row, varyAnswers: false },
        { ...row, varyAnswers: true },
      ],
      checkRuns: 0,
    });
    const [stable, varied] = result.runs.map(figuresOf);
    for (const figures of [stable, varied]) {
      // How many polls land in the window, and whether one times out, depends on the machine's load: not checked here.
      assert.ok(figures.polls > 0, 'the agent polled in the measured window');
      assert.ok(figures.polls > figures.failed, `a poll succeeded: ${figures.failed} of ${figures.polls} failed`);
      assert.ok(figures.series > 0, 'metrics were exported');
      assert.ok(Number.isFinite(figures.overheadRatio) && figures.overheadRatio > 0, 'an overhead ratio was measured');
      assert.ok(
        targetsOf(figures).some((t) => t.what === 'overhead ratio'),
        'the ratio has a target',
      );
    }
    assert.equal(varied.unchanged, 0, 'no answer that differs in bytes is taken for the one before');
    assert.equal(varied.events, stable.events, 'answers in another order announce no change');
    assert.match(formatResults(result), /20 every 5 s, answers not byte-stable/);
  },
);
