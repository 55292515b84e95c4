import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { flagName, GC_FLAGS, tuneGarbageCollection } from '../../../src/agent/gc-tuning.ts';

describe('tuneGarbageCollection', () => {
  it('sets every flag when the process was started without them', () => {
    const set: string[] = [];
    const applied = tuneGarbageCollection(['--enable-source-maps'], (flag) => set.push(flag));
    assert.deepEqual(set, [...GC_FLAGS]);
    assert.deepEqual(applied, [...GC_FLAGS]);
  });

  it('keeps a flag the process was started with, however it was spelt', () => {
    const set: string[] = [];
    tuneGarbageCollection(['--incremental_marking_soft_trigger=50'], (flag) => set.push(flag));
    assert.deepEqual(
      set,
      GC_FLAGS.filter((flag) => !flag.startsWith('--incremental-marking-soft-trigger')),
    );
  });

  it('names flags that this Node’s V8 knows (an unknown one would only be reported on stderr and ignored)', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    for (const flag of GC_FLAGS)
      assert.ok(
        known.includes(`  ${flagName(flag)} (`),
        `${flagName(flag)} is not a V8 option of Node ${process.version}`,
      );
  });

  it('sets them without a word on stderr', () => {
    const script = `import { tuneGarbageCollection } from ${JSON.stringify(new URL('../../../src/agent/gc-tuning.ts', import.meta.url).href)}; tuneGarbageCollection();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
  });
});

describe('flagName', () => {
  it('reads the name of a V8 flag in either spelling, with or without a value', () => {
    assert.equal(flagName('--max_semi_space_size=4'), '--max-semi-space-size');
    assert.equal(flagName('--no-memory-reducer'), '--no-memory-reducer');
  });
});
