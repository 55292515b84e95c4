import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { prepareStateDir } from '../../../src/agent/state-dir.ts';
import { M365Error } from '../../../src/errors.ts';

/** The message of the `STATE_DIR_UNUSABLE` error that preparing `dir` fails with. */
async function refusal(dir: string): Promise<string> {
  try {
    await prepareStateDir(dir);
  } catch (error) {
    assert.ok(error instanceof M365Error && error.code === 'STATE_DIR_UNUSABLE', String(error));
    return error.message;
  }
  return assert.fail(`${dir} was accepted`);
}

describe('the state directory is checked at start', { timeout: 10_000 }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'm365-state-dir-'));
    await writeFile(join(root, 'file'), '');
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('a missing directory is created, mode 0700, and left empty', async () => {
    const dir = join(root, 'a', 'state');
    await prepareStateDir(dir);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(dir), []);
    await prepareStateDir(dir);
  });

  test('kernel pseudo filesystems are refused before mkdir, which would never return under /proc/sys', async () => {
    assert.equal(
      await refusal('/proc/sys/state'),
      'state.dir "/proc/sys/state" cannot be used: it is on /proc, a kernel pseudo filesystem; choose a directory on a volume',
    );
    assert.equal(
      await refusal('/sys/kernel/m365-health'),
      'state.dir "/sys/kernel/m365-health" cannot be used: it is on /sys, a kernel pseudo filesystem; choose a directory ' +
        'on a volume',
    );
  });

  test('a file, or a path through a file, is refused', async () => {
    assert.equal(
      await refusal(join(root, 'file')),
      `state.dir "${root}/file" cannot be used: it is a regular file, not a directory`,
    );
    assert.equal(
      await refusal(join(root, 'file', 'state')),
      `state.dir "${root}/file/state" cannot be used: it cannot be created: a parent is not a directory`,
    );
  });

  test('a directory that cannot be written is refused', async (t) => {
    const dir = join(root, 'read-only');
    await mkdir(dir, { mode: 0o500 });
    if (process.getuid?.() !== 0) {
      assert.equal(await refusal(dir), `state.dir "${dir}" cannot be used: it cannot be written: permission denied`);
      return;
    }
    // Root writes anywhere, but not into an immutable directory (where the filesystem supports the attribute).
    const immutable = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' });
    if (immutable.status !== 0) return t.skip(`root writes anywhere, and chattr +i failed: ${immutable.stderr.trim()}`);
    try {
      assert.equal(await refusal(dir), `state.dir "${dir}" cannot be used: it cannot be written: permission denied`);
    } finally {
      spawnSync('chattr', ['-i', dir]);
    }
  });
});
