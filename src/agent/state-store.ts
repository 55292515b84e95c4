import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TenantMemory } from '../health/memory.ts';
import type { HistoryPosition } from '../health/event-identity.ts';
import type { IssueVersion } from '../health/issue-updates.ts';
import type { RememberedService } from '../health/changes.ts';
import { parseClassification, parseServiceStatus } from '../health/status.ts';
import type { Log } from '../log.ts';

const STATE_VERSION = 1;

/** What a tenant's state file holds: its memory, and the events not yet delivered (its outbox). */
export interface SavedState {
  readonly memory: TenantMemory;
  /** Encoded events, as written; the outbox checks each when it takes them back. */
  readonly outbox: readonly unknown[];
}

/**
 * Keeps each tenant's {@link TenantMemory} on disk, with the events its changes implied until they are delivered,
 * in one file written atomically: a restart neither repeats nor misses an event, and a crash cannot keep one
 * without the other.
 */
export interface StateStore {
  load(tenantKey: string): Promise<SavedState | undefined>;
  save(tenantKey: string, memory: TenantMemory, outbox: readonly unknown[]): Promise<void>;
}

/** File name of a tenant's state: readable prefix, plus a hash so that any tenant name maps to a safe, unique name. */
export function stateFileName(tenantKey: string): string {
  const readable = tenantKey.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(tenantKey).digest('hex').slice(0, 12);
  return `${readable}-${hash}.json`;
}

/** Writes a file atomically: temporary file, fsync, rename, fsync of the directory. Mode 0600. */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
  const target = join(dir, name);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600, flush: true });
  await rename(temporary, target);
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeService(raw: unknown): RememberedService | undefined {
  if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.status !== 'string') return undefined;
  const health = raw.health;
  if (health !== 0 && health !== 1 && health !== 2 && health !== 3) return undefined;
  return { name: raw.name, status: parseServiceStatus(raw.status), health };
}

function decodeIssue(raw: unknown): IssueVersion | undefined {
  if (!isRecord(raw) || typeof raw.lastModified !== 'string' || typeof raw.isResolved !== 'boolean') return undefined;
  return {
    lastModified: raw.lastModified,
    status: parseServiceStatus(raw.status),
    classification: parseClassification(raw.classification),
    isResolved: raw.isResolved,
  };
}

function decodeEntries<T>(raw: unknown, decode: (value: unknown) => T | undefined): Record<string, T> | undefined {
  if (!isRecord(raw)) return undefined;
  const result: Record<string, T> = {};
  for (const [key, value] of Object.entries(raw)) {
    const decoded = decode(value);
    if (decoded === undefined) return undefined;
    result[key] = decoded;
  }
  return result;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Where the history of a state file stands. A file written before events were numbered has none: its history is
 * taken to begin at its `polledAt`, which stays the same until the file is written again (with the position), so
 * that a change detected again after a crash is numbered the same. Present but of the wrong kind: not a state file.
 */
function decodePosition(raw: Record<string, unknown>, polledAt: number): HistoryPosition | undefined {
  const absentAs = (value: unknown, fallback: number) => (value === undefined ? fallback : value);
  const baselineAt = absentAs(raw.baselineAt, polledAt);
  const sequences = [absentAs(raw.statusSequence, 0), absentAs(raw.issueSequence, 0), absentAs(raw.messageSequence, 0)];
  if (typeof baselineAt !== 'number' || !Number.isFinite(baselineAt) || !sequences.every(isCount)) return undefined;
  const [statusSequence, issueSequence, messageSequence] = sequences as [number, number, number];
  return { baselineAt, statusSequence, issueSequence, messageSequence };
}

/** Decodes a state file's JSON; undefined when it is not a state file of this version. */
export function decodeState(raw: unknown): SavedState | undefined {
  if (!isRecord(raw) || (raw.outbox !== undefined && !Array.isArray(raw.outbox))) return undefined;
  const memory = decodeMemory(raw);
  return memory && { memory, outbox: (raw.outbox as unknown[] | undefined) ?? [] };
}

function decodeMemory(raw: Record<string, unknown>): TenantMemory | undefined {
  if (raw.version !== STATE_VERSION || typeof raw.polledAt !== 'number') return undefined;
  const position = decodePosition(raw, raw.polledAt);
  const services = decodeEntries(raw.services, decodeService);
  const issues = decodeEntries(raw.issues, decodeIssue);
  if (!position || !services || !issues) return undefined;
  const memory = { ...position, polledAt: raw.polledAt, services, issues };
  if (raw.messages === undefined) return memory;
  const messages = decodeEntries(raw.messages, (value) => (typeof value === 'string' ? value : undefined));
  return messages && { ...memory, messages };
}

/**
 * A {@link StateStore} in a directory, one JSON file per tenant (mode 0600). A corrupt or unreadable file is reported, set aside
 * (renamed `*.corrupt-<time>`) and treated as no state: never fatal.
 */
export function createFileStateStore(dir: string, log: Log, clock: () => number = Date.now): StateStore {
  let ready: Promise<unknown> | undefined;
  return {
    async load(tenantKey) {
      const file = join(dir, stateFileName(tenantKey));
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          log.warn('state file unreadable, starting without it', {
            tenant: tenantKey,
            file,
            reason: (error as Error).message,
          });
        return undefined;
      }
      let state: SavedState | undefined;
      try {
        state = decodeState(JSON.parse(text));
      } catch {
        state = undefined;
      }
      if (state) return state;
      const aside = `${file}.corrupt-${clock()}`;
      await rename(file, aside).catch(() => undefined);
      log.warn('state file corrupt, set aside', { tenant: tenantKey, file: aside });
      return undefined;
    },
    async save(tenantKey, memory, outbox) {
      // Made once; a failure (a volume not mounted yet) is tried again by the next save, not kept for good.
      ready ??= mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const state = { version: STATE_VERSION, ...memory, ...(outbox.length > 0 ? { outbox } : {}) };
      await writeFileAtomic(dir, stateFileName(tenantKey), JSON.stringify(state));
    },
  };
}
