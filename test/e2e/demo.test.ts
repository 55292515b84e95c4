import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { spawnCli, type AgentProcess } from '../helpers/agent-process.ts';

/** Resolves once the process's output matches `pattern`; rejects when it exits first. */
async function waitForOutput(cli: AgentProcess, pattern: RegExp): Promise<void> {
  const exited = cli.exited().then(() => {
    throw new Error(`the demo exited before printing ${pattern}:\n${cli.output()}`);
  });
  while (!pattern.test(cli.output())) {
    await Promise.race([once(cli.child.stdout!, 'data'), exited]);
  }
}

const BLOCK_HEAD = /── \d\d:\d\d:\d\d gauges ─+\n/;

test('demo: every gauge block has one row per simulated tenant, none for the process-wide gauges', async () => {
  const demo = spawnCli(['demo', '--interval', '1s', '--no-color']);
  try {
    // Three block heads: the two blocks before the third are complete.
    await waitForOutput(demo, new RegExp(`(${BLOCK_HEAD.source}[^]*){3}`));
    for (const block of demo.output().split(BLOCK_HEAD).slice(1, 3)) {
      const rows = block
        .split('\n')
        .filter((line) => /^\S+\s+\d+ services:/.test(line))
        .map((line) => line.split(/\s+/)[0]);
      assert.deepEqual(rows.sort(), ['contoso', 'fabrikam'], block);
    }
    assert.doesNotMatch(demo.output(), /^undefined /m);
  } finally {
    assert.equal(await demo.stop('SIGINT'), 0, demo.output());
  }
});
