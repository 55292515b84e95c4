import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { spawnCli } from '../helpers/agent-process.ts';

const BLOCK_HEAD = /── \d\d:\d\d:\d\d gauges ─+\n/;

/** The tenant rows of each gauge block the demo has finished printing (a block ends where the next one starts). */
function completeBlocks(output: string): string[][] {
  return output
    .split(BLOCK_HEAD)
    .slice(1, -1)
    .map((block) =>
      block
        .split('\n')
        .filter((line) => /^\S+\s+\d+ services:/.test(line))
        .map((line) => line.split(/\s+/)[0]),
    );
}

const TENANTS = ['contoso', 'fabrikam'];
const isFull = (rows: readonly string[]): boolean => rows.toSorted().join() === TENANTS.join();

test('demo: every gauge block has one row per simulated tenant, none for the process-wide gauges', async () => {
  const demo = spawnCli(['demo', '--interval', '1s', '--no-color']);
  try {
    // A block printed before a tenant's first poll has answered has no row for it yet (a loaded machine can delay
    // that poll past the first export); once both have rows, the next block has both again.
    const twoFullInARow = (): boolean => {
      const blocks = completeBlocks(demo.output());
      const first = blocks.findIndex(isFull);
      return first !== -1 && blocks.length > first + 1;
    };
    const exited = demo.exited().then(() => {
      throw new Error(`the demo exited before printing two full gauge blocks:\n${demo.output()}`);
    });
    while (!twoFullInARow()) await Promise.race([once(demo.child.stdout!, 'data'), exited]);
    const blocks = completeBlocks(demo.output());
    for (const rows of blocks) {
      assert.ok(
        rows.every((row) => TENANTS.includes(row)) && new Set(rows).size === rows.length,
        `rows ${rows.join()} in:\n${demo.output()}`,
      );
    }
    assert.ok(isFull(blocks[blocks.findIndex(isFull) + 1]), demo.output());
    assert.doesNotMatch(demo.output(), /^undefined /m);
  } finally {
    assert.equal(await demo.stop('SIGINT'), 0, demo.output());
  }
});
