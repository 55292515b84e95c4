import { createHash } from 'node:crypto';
import type { Logger, LogRecord } from '@opentelemetry/api';
import type { TenantMemory } from '../health/memory.ts';
import type { Log } from '../log.ts';
import type { Outbox } from '../telemetry/outbox/outbox.ts';
import type { SavedState, StateStore } from './state-store.ts';

/**
 * Where the memories of one kind (the tenants', the fleet's) and their events go; made by {@link createLedger},
 * one per agent and kind. A memory's key is also the key of its events in the outbox.
 */
export interface Ledger<M> {
  /** Takes what a state file held back (its undelivered events into the outbox, once); its memory. */
  restore(key: string, saved: SavedState<M> | undefined): M | undefined;
  /**
   * Commits a step: the new memory and the events it implies are written in one atomic write of its state file,
   * then the events become pending in the outbox and are emitted to the logger's other processors.
   */
  commit(key: string, memory: M, records: readonly LogRecord[]): Promise<void>;
  /** Resolves once every write begun has ended. */
  settled(): Promise<void>;
}

interface LedgerEntry<M> {
  memory: M | undefined;
  /** The last written memory: its parts, which a quiet step keeps as they are, and a digest of their text. */
  savedParts: readonly unknown[] | undefined;
  savedDigest: string;
  /** The writes of this key's file, one after the other: the last one always holds the latest. */
  writes: Promise<void>;
  rewriteQueued: boolean;
}

/** The collaborators of a {@link Ledger}; without a store (no `state.dir`) events go straight to the outbox. */
export interface LedgerOptions<M> {
  readonly store: Pick<StateStore<M>, 'save'> | undefined;
  /** Undefined when nothing is exported over OTLP: events then only reach the logger's processors. */
  readonly outbox: Outbox | undefined;
  readonly logger: Pick<Logger, 'emit'>;
  readonly log: Log;
}

/** The tenants' ledger: a tenant's memory is written when what it remembers changed, not merely its poll time. */
export function createTenantLedger(options: LedgerOptions<TenantMemory>): Ledger<TenantMemory> {
  return createLedger(options, partsOf);
}

/**
 * Creates the ledger. Events delivered or dropped leave their tenants' files by one more write per tenant touched
 * (coalesced: a tenant whose rewrite waits is not queued twice), not one per event.
 */
export function createLedger<M>(options: LedgerOptions<M>, partsOf: (memory: M) => readonly unknown[]): Ledger<M> {
  const { store, outbox, log } = options;
  const tenants = new Map<string, LedgerEntry<M>>();
  const entryOf = (tenant: string): LedgerEntry<M> => {
    let entry = tenants.get(tenant);
    if (!entry) {
      entry = {
        memory: undefined,
        savedParts: undefined,
        savedDigest: '',
        writes: Promise.resolve(),
        rewriteQueued: false,
      };
      tenants.set(tenant, entry);
    }
    return entry;
  };

  const write = (tenant: string, entry: LedgerEntry<M>, fresh: readonly unknown[]) =>
    store!.save(tenant, entry.memory!, [...(outbox?.pendingOf(tenant) ?? []), ...fresh]).catch((error: Error) => {
      entry.savedParts = undefined;
      entry.savedDigest = '';
      log.error('cannot save state', { tenant, reason: error.message });
    });

  const rewrite = (tenant: string) => {
    const entry = tenants.get(tenant);
    if (!store || !entry?.memory || entry.rewriteQueued) return;
    entry.rewriteQueued = true;
    entry.writes = entry.writes.then(() => {
      entry.rewriteQueued = false;
      return write(tenant, entry, []);
    });
  };
  outbox?.onSettled((touched) => touched.forEach(rewrite));

  return {
    restore(tenant, saved) {
      const known = tenants.has(tenant);
      const entry = entryOf(tenant);
      if (!saved) return entry.memory;
      entry.memory ??= saved.memory;
      entry.savedParts ??= partsOf(saved.memory);
      entry.savedDigest ||= digestOf(entry.savedParts);
      if (!known) outbox?.admit(tenant, saved.outbox);
      return entry.memory;
    },
    async commit(tenant, memory, records) {
      const entry = entryOf(tenant);
      entry.memory = memory;
      const events = outbox?.encode(records) ?? [];
      const memoryChanged = changed(entry, partsOf(memory));
      if (store && (events.length > 0 || memoryChanged)) {
        // Admitted in the same turn as the write ends: a rewrite queued behind it then writes them too.
        entry.writes = entry.writes.then(async () => {
          await write(tenant, entry, events);
          outbox?.admit(tenant, events);
        });
        await entry.writes;
      } else outbox?.admit(tenant, events);
      for (const record of records) options.logger.emit(record);
    },
    async settled() {
      await Promise.all([...tenants.values()].map((entry) => entry.writes));
    },
  };
}

/** Whether what is remembered (not merely the poll time) differs from what was written last; records it if so. */
function changed(entry: LedgerEntry<unknown>, parts: readonly unknown[]): boolean {
  if (entry.savedParts !== undefined && parts.every((part, i) => part === entry.savedParts![i])) return false;
  entry.savedParts = parts;
  const digest = digestOf(parts);
  if (digest === entry.savedDigest) return false;
  entry.savedDigest = digest;
  return true;
}

/** What of a tenant's memory is saved (the poll time is not: a quiet poll saves nothing). */
function partsOf(memory: TenantMemory): readonly unknown[] {
  const { baselineAt, statusSequence, issueSequence, messageSequence } = memory;
  const { services, issues, messages, credentials } = memory;
  return [services, issues, messages, credentials, baselineAt, statusSequence, issueSequence, messageSequence];
}

/** A digest of the parts' text (not the text: kilobytes per tenant, kept for every tenant). */
function digestOf(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64');
}
