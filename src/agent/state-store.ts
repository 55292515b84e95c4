import { Ajv } from 'ajv';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryPosition, TenantMemory } from '../health/memory.ts';
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

const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * What a state file of this version holds. Statuses and classifications may be any text (mapped as Graph's are);
 * the outbox's events are checked one by one when the outbox takes them back.
 */
const STATE_FILE_SCHEMA = {
  type: 'object',
  required: ['version', 'polledAt', 'services', 'issues'],
  properties: {
    version: { const: STATE_VERSION },
    polledAt: { type: 'number' },
    baselineAt: { type: 'number' },
    statusSequence: count,
    issueSequence: count,
    messageSequence: count,
    services: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['name', 'status', 'health'],
        properties: { name: { type: 'string' }, status: { type: 'string' }, health: { enum: [0, 1, 2, 3] } },
      },
    },
    issues: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['lastModified', 'isResolved'],
        properties: { lastModified: { type: 'string' }, isResolved: { type: 'boolean' } },
      },
    },
    messages: { type: 'object', additionalProperties: { type: 'string' } },
    credentials: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
    outbox: { type: 'array' },
  },
} as const;

type StateFile = Omit<TenantMemory, keyof HistoryPosition> & Partial<HistoryPosition> & { outbox?: unknown[] };

/**
 * The state a valid file holds. A file written before events were numbered has no position: its history is taken
 * to begin at its `polledAt`, which stays the same until the file is written again (with the position), so that a
 * change detected again after a crash is numbered the same.
 */
function stateOf(file: StateFile): SavedState {
  const { polledAt, baselineAt = polledAt, statusSequence = 0, issueSequence = 0, messageSequence = 0 } = file;
  const memory: TenantMemory = {
    baselineAt,
    statusSequence,
    issueSequence,
    messageSequence,
    polledAt,
    services: mapValues(file.services, ({ name, status, health }) => ({
      name,
      status: parseServiceStatus(status),
      health,
    })),
    issues: mapValues(file.issues, (issue) => ({
      lastModified: issue.lastModified,
      status: parseServiceStatus(issue.status),
      classification: parseClassification(issue.classification),
      isResolved: issue.isResolved,
    })),
    ...(file.messages && { messages: file.messages }),
    ...(file.credentials && { credentials: file.credentials }),
  };
  return { memory, outbox: file.outbox ?? [] };
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/**
 * A {@link StateStore} in a directory, one JSON file per tenant (mode 0600). A corrupt or unreadable file is reported, set aside
 * (renamed `*.corrupt-<time>`) and treated as no state: never fatal.
 */
export function createFileStateStore(dir: string, log: Log, clock: () => number = Date.now): StateStore {
  const isStateFile = new Ajv().compile<StateFile>(STATE_FILE_SCHEMA);
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
      let saved: unknown;
      try {
        saved = JSON.parse(text);
      } catch {
        saved = undefined;
      }
      if (isStateFile(saved)) return stateOf(saved);
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
