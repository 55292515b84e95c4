import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { M365Error } from '../errors.ts';
import type { Log } from '../log.ts';

/** Who holds (or held) a state directory's lock. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly token: string;
  readonly acquiredAt: string;
  /**
   * When the holding process started (ms since epoch, fractional): with the pid and host, what tells this process
   * from an earlier life of its pid. Absent from locks written before it was recorded.
   */
  readonly processStart?: number;
}

/** Seams and limits of {@link acquireStateLock}. */
export interface LockOptions {
  /** A lock whose file was not refreshed for this long is stale whoever holds it. */
  readonly staleMs: number;
  readonly now: () => number;
  readonly pid?: number;
  readonly hostname?: string;
  /** Whether a process of this host is alive (default: `process.kill(pid, 0)`). */
  readonly isAlive?: (pid: number) => boolean;
  /** When this process started (default: `performance.timeOrigin`). */
  readonly processStart?: number;
}

/** A held state directory lock. */
export interface StateLock {
  readonly holder: LockHolder;
  /** The holder whose stale lock was taken over, if any. */
  readonly previous: LockHolder | undefined;
  /** Touches the lock file so that it stays fresh; false when the lock is no longer ours (or cannot be touched). */
  refresh(): boolean;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

/**
 * Takes the lock of state directory `dir`, so that two agents never share one (their outboxes would send each
 * other's events): the file `lock`, created complete or not at all (written to a temporary file, then hard-linked
 * into place). A lock that this very process holds (same host, pid and process start) is
 * refused: the directory is already used here. Another lock is taken over when it is stale: unreadable, not
 * refreshed for `staleMs`, or held by a dead process of this host (or by this pid in an earlier life, as in a
 * restarted container). Otherwise throws `STATE_LOCKED`: one state directory serves one process.
 */
export function acquireStateLock(dir: string, options: LockOptions): StateLock {
  const path = join(dir, 'lock');
  const self: LockHolder = {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    token: randomUUID(),
    acquiredAt: new Date(options.now()).toISOString(),
    processStart: options.processStart ?? performance.timeOrigin,
  };
  let previous: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreateLock(path, self)) return createLockHandle(path, self, previous);
    let holder: LockHolder | undefined;
    let modifiedMs: number;
    try {
      modifiedMs = statSync(path).mtimeMs;
      holder = parseHolder(readFileSync(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const sameHost = holder?.hostname === self.hostname;
    if (sameHost && holder?.pid === self.pid && holder.processStart === self.processStart)
      throw new M365Error('STATE_LOCKED', `state directory ${dir} is already used by this process`);
    if (holder && options.now() - modifiedMs <= options.staleMs) {
      // A fresh lock of this host is stale still when its pid is ours (an earlier life) or dead.
      const dead = sameHost && (holder.pid === self.pid || !(options.isAlive ?? isProcessAlive)(holder.pid));
      const who = `process ${holder.pid} on ${holder.hostname} (since ${holder.acquiredAt})`;
      if (!dead)
        throw new M365Error(
          'STATE_LOCKED',
          `state directory ${dir} is in use by ${who}; give each agent its own state.dir`,
        );
    }
    previous = holder;
    rmSync(path, { force: true });
  }
  throw new M365Error('STATE_LOCKED', `state directory ${dir}: another process keeps taking the lock`);
}

function tryCreateLock(path: string, holder: LockHolder): boolean {
  const temporary = `${path}.${holder.pid}.${holder.token}.new`;
  try {
    writeFileSync(temporary, `${JSON.stringify(holder)}\n`, { flag: 'wx', mode: 0o600, flush: true });
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const { pid, hostname, token, acquiredAt, processStart } = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isSafeInteger(pid) || pid! <= 0 || typeof hostname !== 'string' || typeof token !== 'string')
      return undefined;
    const holder = { pid: pid!, hostname, token, acquiredAt: String(acquiredAt) };
    return typeof processStart === 'number' ? { ...holder, processStart } : holder;
  } catch {
    return undefined;
  }
}

function createLockHandle(path: string, holder: LockHolder, previous: LockHolder | undefined): StateLock {
  const isOurs = () => {
    try {
      return parseHolder(readFileSync(path, 'utf8'))?.token === holder.token;
    } catch {
      return false;
    }
  };
  return {
    holder,
    previous,
    refresh() {
      try {
        if (!isOurs()) return false;
        const now = new Date();
        utimesSync(path, now, now);
        return true;
      } catch {
        return false;
      }
    },
    release() {
      if (isOurs()) rmSync(path, { force: true });
    },
  };
}

/** True when `pid` names a live process of this host (EPERM means alive, owned by someone else). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock not refreshed for this long is stale, whoever holds it. */
const LOCK_STALE_MS = 60_000;

/**
 * Takes the lock of state directory `dir` ({@link acquireStateLock}) and keeps it fresh until released; logs a
 * takeover, and a lock another process took over meanwhile. Throws `STATE_LOCKED` as {@link acquireStateLock} does.
 */
export function holdStateLock(dir: string, log: Log): { release(): void } {
  const lock = acquireStateLock(dir, { staleMs: LOCK_STALE_MS, now: Date.now });
  if (lock.previous)
    log.info('took over a stale state directory lock', { dir, pid: lock.previous.pid, host: lock.previous.hostname });
  let lost = false;
  const heartbeat = setInterval(() => {
    if (lock.refresh() || lost) return;
    lost = true;
    log.error('state directory lock lost: another process took over the state directory', { dir });
  }, LOCK_STALE_MS / 4);
  heartbeat.unref();
  return {
    release() {
      clearInterval(heartbeat);
      lock.release();
    },
  };
}
