import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../../bench/bench.ts';
import { figuresOf, TARGETS } from '../../bench/format-results.ts';

/**
 * How far past the target the quick run's overhead ratio may go before the check fails. The quick run is small
 * (200 tenants, 5 s interval, two measured intervals, side by side with other tests on a shared machine): its ratio
 * moves by about ±20 % from run to run, so only a clear regression should fail it.
 */
export const QUICK_MARGIN = 1.3;

test('quick bench: the agent’s CPU per poll stays within the overhead target of the bare HTTP calls', { timeout: 120_000 }, async () => {
  const result = await runBench({ tenants: [200], intervalMs: 5_000, intervals: 4, warmup: 2, serviceStatus: [false], checkRuns: 0 });
  const figures = figuresOf(result.runs[0]!);
  assert.ok(figures.polls >= 300, `the agent polled: ${figures.polls} polls in the measured window`);
  assert.equal(figures.failed, 0, 'no poll failed');
  assert.ok(figures.series > 0, 'metrics were exported');
  const limit = TARGETS.overheadRatio * QUICK_MARGIN;
  assert.ok(
    figures.overheadRatio <= limit,
    `overhead ratio ${figures.overheadRatio.toFixed(2)} (agent ${figures.agentCpuPer1000.toFixed(2)} s, baseline ` +
      `${figures.baselineCpuPer1000.toFixed(2)} s per 1,000 polls) is past ${limit.toFixed(2)} (target ${TARGETS.overheadRatio} × ${QUICK_MARGIN})`,
  );
});
