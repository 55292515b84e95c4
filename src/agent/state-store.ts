import { Ajv } from 'ajv';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetMemory } from '../health/fleet-issues.ts';
import type { HistoryPosition, TenantMemory } from '../health/memory.ts';
import { parseClassification, parseServiceStatus } from '../health/status.ts';
import type { Log } from '../log.ts';

const STATE_VERSION = 1;

/** What a state file holds: a memory, and the events not yet delivered (its outbox). */
export interface SavedState<M = TenantMemory> {
  readonly memory: M;
  /** Encoded events, as written; the outbox checks each when it takes them back. */
  readonly outbox: readonly unknown[];
}

/**
 * Keeps memories on disk (each tenant's, the fleet's), with the events their changes implied until they are
 * delivered, in one file written atomically: a restart neither repeats nor misses an event, and a crash cannot keep
 * one without the other.
 */
export interface StateStore<M = TenantMemory> {
  load(key: string): Promise<SavedState<M> | undefined>;
  save(key: string, memory: M, outbox: readonly unknown[]): Promise<void>;
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

/** One kind of state file: where a key's file is, what it must hold, and the memory it holds. */
interface StateKind<File, M> {
  /** How its log lines name it. */
  readonly label: string;
  readonly fileName: (key: string) => string;
  /** What its log lines say of the key. */
  readonly fields: (key: string) => Record<string, string>;
  readonly schema: object;
  readonly memoryOf: (file: File) => M;
}

/**
 * A {@link StateStore} of one kind of file in `dir` (mode 0600). A corrupt or unreadable file is reported, set aside
 * (renamed `*.corrupt-<time>`) and treated as no state: never fatal.
 */
function createStore<File extends { outbox?: unknown[] }, M>(
  dir: string,
  log: Log,
  clock: () => number,
  kind: StateKind<File, M>,
): StateStore<M> {
  const isValid = new Ajv().compile<File>(kind.schema);
  let ready: Promise<unknown> | undefined;
  return {
    async load(key) {
      const file = join(dir, kind.fileName(key));
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          const reason = (error as Error).message;
          log.warn(`${kind.label} unreadable, starting without it`, { ...kind.fields(key), file, reason });
        }
        return undefined;
      }
      let saved: unknown;
      try {
        saved = JSON.parse(text);
      } catch {
        saved = undefined;
      }
      if (isValid(saved)) return { memory: kind.memoryOf(saved), outbox: saved.outbox ?? [] };
      const aside = `${file}.corrupt-${clock()}`;
      await rename(file, aside).catch(() => undefined);
      log.warn(`${kind.label} corrupt, set aside`, { ...kind.fields(key), file: aside });
      return undefined;
    },
    async save(key, memory, outbox) {
      // Made once; a failure (a volume not mounted yet) is tried again by the next save, not kept for good.
      ready ??= mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const state = { version: STATE_VERSION, ...memory, ...(outbox.length > 0 ? { outbox } : {}) };
      await writeFileAtomic(dir, kind.fileName(key), JSON.stringify(state));
    },
  };
}

const text = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * What a tenant's state file of this version holds. Statuses and classifications may be any text (mapped as Graph's
 * are); the outbox's events are checked one by one when the outbox takes them back.
 */
const TENANT_FILE_SCHEMA = {
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
        properties: { name: text, status: text, health: { enum: [0, 1, 2, 3] } },
      },
    },
    issues: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['lastModified', 'isResolved'],
        properties: { lastModified: text, isResolved: { type: 'boolean' } },
      },
    },
    messages: { type: 'object', additionalProperties: text },
    credentials: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
    outbox: { type: 'array' },
  },
} as const;

type TenantFile = Omit<TenantMemory, keyof HistoryPosition> & Partial<HistoryPosition> & { outbox?: unknown[] };

/**
 * The memory a valid tenant's file holds. A file written before events were numbered has no position: its history
 * is taken to begin at its `polledAt`, which stays the same until the file is written again (with the position), so
 * that a change detected again after a crash is numbered the same.
 */
function tenantMemoryOf(file: TenantFile): TenantMemory {
  const { polledAt, baselineAt = polledAt, statusSequence = 0, issueSequence = 0, messageSequence = 0 } = file;
  return {
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
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** The tenants' {@link StateStore} in `dir`: one JSON file per tenant. */
export function createFileStateStore(dir: string, log: Log, clock: () => number = Date.now): StateStore {
  return createStore<TenantFile, TenantMemory>(dir, log, clock, {
    label: 'state file',
    fileName: stateFileName,
    fields: (tenant) => ({ tenant }),
    schema: TENANT_FILE_SCHEMA,
    memoryOf: tenantMemoryOf,
  });
}

/**
 * The fleet's state file in the state directory, beside the tenants' (whose names end in a hash, so no tenant's
 * file can take this name).
 */
export const FLEET_FILE = 'fleet.json';

/** What the fleet remembers of an issue; statuses and classifications may be any text (mapped as Graph's are). */
const FLEET_ISSUE = {
  title: text,
  lastModified: text,
  status: text,
  classification: text,
  services: { type: 'array', items: text },
  firstTenant: text,
  firstSeenAt: { type: 'number' },
  reach: { ...count, minimum: 1 },
} as const;

/** What a fleet file of this version holds. */
const FLEET_FILE_SCHEMA = {
  type: 'object',
  required: ['version', 'baselineAt', 'sequence', 'issues'],
  properties: {
    version: { const: STATE_VERSION },
    baselineAt: { type: 'number' },
    sequence: count,
    issues: {
      type: 'object',
      additionalProperties: { type: 'object', required: Object.keys(FLEET_ISSUE), properties: FLEET_ISSUE },
    },
    outbox: { type: 'array' },
  },
} as const;

type FleetFile = Omit<FleetMemory, 'issues'> & {
  issues: Record<
    string,
    Omit<FleetMemory['issues'][string], 'status' | 'classification'> & Record<'status' | 'classification', string>
  >;
  outbox?: unknown[];
};

/** The fleet's {@link StateStore} in `dir`: one file, whatever the key. */
export function createFleetStateStore(dir: string, log: Log, clock: () => number): StateStore<FleetMemory> {
  return createStore<FleetFile, FleetMemory>(dir, log, clock, {
    label: 'fleet state file',
    fileName: () => FLEET_FILE,
    fields: () => ({}),
    schema: FLEET_FILE_SCHEMA,
    memoryOf: ({ baselineAt, sequence, issues }) => ({
      baselineAt,
      sequence,
      issues: mapValues(issues, (issue) => ({
        ...issue,
        status: parseServiceStatus(issue.status),
        classification: parseClassification(issue.classification),
      })),
    }),
  });
}
