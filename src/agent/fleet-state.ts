import { Ajv } from 'ajv';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetMemory } from '../health/fleet-issues.ts';
import { parseClassification, parseServiceStatus } from '../health/status.ts';
import type { Log } from '../log.ts';
import { writeFileAtomic } from './state-store.ts';

const FLEET_VERSION = 1;

/**
 * The fleet's state file in the state directory, beside the tenants' (whose names end in a hash, so no tenant's
 * file can take this name).
 */
export const FLEET_FILE = 'fleet.json';

/** What the fleet's state file holds: its memory, and its events not yet delivered (its outbox). */
export interface SavedFleet {
  readonly memory: FleetMemory;
  readonly outbox: readonly unknown[];
}

/** Keeps the fleet's memory with its undelivered events, in one file written atomically (as a tenant's state). */
export interface FleetStateStore {
  load(): Promise<SavedFleet | undefined>;
  save(key: string, memory: FleetMemory, outbox: readonly unknown[]): Promise<void>;
}

const text = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** What a fleet file of this version holds; statuses and classifications may be any text (mapped as Graph's are). */
const FLEET_FILE_SCHEMA = {
  type: 'object',
  required: ['version', 'baselineAt', 'sequence', 'issues'],
  properties: {
    version: { const: FLEET_VERSION },
    baselineAt: { type: 'number' },
    sequence: count,
    issues: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: [
          'title',
          'lastModified',
          'status',
          'classification',
          'services',
          'firstTenant',
          'firstSeenAt',
          'reach',
        ],
        properties: {
          title: text,
          lastModified: text,
          status: text,
          classification: text,
          services: { type: 'array', items: text },
          firstTenant: text,
          firstSeenAt: { type: 'number' },
          reach: { ...count, minimum: 1 },
        },
      },
    },
    outbox: { type: 'array' },
  },
} as const;

interface FleetFile {
  baselineAt: number;
  sequence: number;
  issues: Record<
    string,
    Omit<FleetMemory['issues'][string], 'status' | 'classification'> & Record<'status' | 'classification', string>
  >;
  outbox?: unknown[];
}

/**
 * The fleet's {@link FleetStateStore} in `dir` (mode 0600). A corrupt or unreadable file is reported, set aside
 * (renamed `*.corrupt-<time>`) and treated as no state, as a tenant's is: never fatal.
 */
export function createFleetStateStore(dir: string, log: Log, clock: () => number): FleetStateStore {
  const isFleetFile = new Ajv().compile<FleetFile>(FLEET_FILE_SCHEMA);
  const file = join(dir, FLEET_FILE);
  return {
    async load() {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return undefined;
        if (code !== undefined) {
          log.warn('fleet state file unreadable, starting without it', { file, reason: (error as Error).message });
          return undefined;
        }
      }
      if (isFleetFile(parsed)) return fleetOf(parsed);
      const aside = `${file}.corrupt-${clock()}`;
      await rename(file, aside).catch(() => undefined);
      log.warn('fleet state file corrupt, set aside', { file: aside });
      return undefined;
    },
    async save(_key, memory, outbox) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const state = { version: FLEET_VERSION, ...memory, ...(outbox.length > 0 ? { outbox } : {}) };
      await writeFileAtomic(dir, FLEET_FILE, JSON.stringify(state));
    },
  };
}

function fleetOf(file: FleetFile): SavedFleet {
  const issues = Object.fromEntries(
    Object.entries(file.issues).map(([id, issue]) => [
      id,
      { ...issue, status: parseServiceStatus(issue.status), classification: parseClassification(issue.classification) },
    ]),
  );
  return { memory: { baselineAt: file.baselineAt, sequence: file.sequence, issues }, outbox: file.outbox ?? [] };
}
