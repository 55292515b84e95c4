import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireStateLock, holdStateLock, type LockHolder, type LockOptions } from '../../../src/agent/state-lock.ts';
import { M365Error } from '../../../src/errors.ts';
import { createCaptureLog, createTempDir } from '../../helpers/capture-log.ts';

let temp: ReturnType<typeof createTempDir>;
beforeEach(() => {
  temp = createTempDir();
});
afterEach(() => temp.remove());

const base: LockOptions = { staleMs: 60_000, now: Date.now, hostname: 'agent-host' };
const lockPath = () => join(temp.dir, 'lock');
const lockOnDisk = () => JSON.parse(readFileSync(lockPath(), 'utf8')) as LockHolder;

function writeForeignLock(holder: { pid: number; hostname: string }, ageMs = 0): void {
  writeFileSync(lockPath(), JSON.stringify({ ...holder, token: 'theirs', acquiredAt: 'then' }));
  const at = new Date(Date.now() - ageMs);
  utimesSync(lockPath(), at, at);
}

function assertLocked(action: () => unknown, pattern: RegExp): void {
  assert.throws(
    action,
    (error: unknown) => error instanceof M365Error && error.code === 'STATE_LOCKED' && pattern.test(error.message),
  );
}

describe('acquireStateLock', () => {
  test('writes a 0600 lock naming the holder and removes it on release', () => {
    const lock = acquireStateLock(temp.dir, { ...base, pid: 4242 });
    const content = lockOnDisk();
    assert.equal(content.pid, 4242);
    assert.equal(content.hostname, 'agent-host');
    assert.equal(statSync(lockPath()).mode & 0o777, 0o600);
    assert.equal(lock.refresh(), true);
    lock.release();
    assert.equal(existsSync(lockPath()), false);
    assert.deepEqual(readdirSync(temp.dir), [], 'no temporary file left behind');
  });

  test('refuses a directory held by a live process of this host', () => {
    writeForeignLock({ pid: 77, hostname: 'agent-host' });
    assertLocked(
      () => acquireStateLock(temp.dir, { ...base, pid: 1, isAlive: () => true }),
      /in use by process 77 on agent-host/,
    );
    assert.equal(lockOnDisk().pid, 77, 'the holder keeps its lock');
  });

  test('refuses a second open in the same process', () => {
    const lock = acquireStateLock(temp.dir, base);
    assertLocked(() => acquireStateLock(temp.dir, base), /already used by this process/);
    lock.release();
    acquireStateLock(temp.dir, base).release();
  });

  test('refuses a second open in the same process even once its lock looks stale, and leaves that lock alone', () => {
    const lock = acquireStateLock(temp.dir, base);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lockPath(), old, old);
    assertLocked(() => acquireStateLock(temp.dir, { ...base, isAlive: () => false }), /already used by this process/);
    assert.equal(lockOnDisk().token, lock.holder.token);
    assert.equal(lock.refresh(), true, 'the first open keeps its lock');
    lock.release();
  });

  test('records the process start, which tells this process from an earlier life of its pid', () => {
    const earlier = acquireStateLock(temp.dir, { ...base, pid: 1, processStart: 1_000.25 });
    assert.equal(lockOnDisk().processStart, 1_000.25);
    assertLocked(
      () => acquireStateLock(temp.dir, { ...base, pid: 1, processStart: 1_000.25 }),
      /already used by this process/,
    );
    const later = acquireStateLock(temp.dir, { ...base, pid: 1, processStart: 2_000.5, isAlive: () => true });
    assert.equal(later.previous?.processStart, 1_000.25);
    assert.equal(earlier.refresh(), false, 'the earlier life no longer holds it');
    later.release();
  });

  test('takes over the lock of a dead process of this host', () => {
    writeForeignLock({ pid: 77, hostname: 'agent-host' });
    const lock = acquireStateLock(temp.dir, { ...base, pid: 1, isAlive: (pid) => pid !== 77 });
    assert.equal(lock.previous?.pid, 77);
    assert.equal(lockOnDisk().pid, 1);
    lock.release();
  });

  test('takes over a lock carrying its own pid (an earlier life in a container)', () => {
    writeForeignLock({ pid: 1, hostname: 'agent-host' });
    const lock = acquireStateLock(temp.dir, { ...base, pid: 1, isAlive: () => true });
    assert.equal(lock.previous?.pid, 1);
    lock.release();
  });

  test('a lock of another host is respected while fresh and taken over once stale', () => {
    writeForeignLock({ pid: 77, hostname: 'other-host' }, 10_000);
    assertLocked(() => acquireStateLock(temp.dir, { ...base, isAlive: () => false }), /other-host/);
    writeForeignLock({ pid: 77, hostname: 'other-host' }, 120_000);
    const lock = acquireStateLock(temp.dir, base);
    assert.equal(lock.previous?.hostname, 'other-host');
    lock.release();
  });

  test('an unreadable lock file is taken over', () => {
    writeFileSync(lockPath(), '{"pid":');
    const lock = acquireStateLock(temp.dir, base);
    assert.equal(lock.previous, undefined);
    lock.release();
  });

  test('refresh reports a lock that someone else took over, and release leaves their lock alone', () => {
    const lock = acquireStateLock(temp.dir, base);
    writeForeignLock({ pid: 77, hostname: 'agent-host' });
    assert.equal(lock.refresh(), false);
    lock.release();
    assert.equal(lockOnDisk().pid, 77);
  });
});

describe('holdStateLock', () => {
  test('a second agent on the same state directory is refused while the first holds it; released, it is free', () => {
    const log = createCaptureLog();
    const first = holdStateLock(temp.dir, log);
    assertLocked(() => holdStateLock(temp.dir, log), /already used by this process/);
    first.release();
    assert.equal(existsSync(lockPath()), false);
    holdStateLock(temp.dir, log).release();
  });

  test('a stale lock left by a killed agent is taken over, and said so', () => {
    writeForeignLock({ pid: 77, hostname: 'elsewhere' }, 120_000);
    const log = createCaptureLog();
    const lock = holdStateLock(temp.dir, log);
    assert.deepEqual(log.messages('info'), ['took over a stale state directory lock']);
    lock.release();
  });
});
