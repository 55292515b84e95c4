import { createHash } from 'node:crypto';
import type { Logger, LogRecord } from '@opentelemetry/api';
import type { TenantMemory } from '../health/memory.ts';
import type { Log } from '../log.ts';
import type { Outbox } from '../telemetry/outbox/outbox.ts';
import type { SavedState, StateStore } from './state-store.ts';

/** Where a tenant's memory and events go; one per agent, made by {@link createTenantLedger}. */
export interface TenantLedger {
  /** Takes what a tenant's state file held back (its undelivered events into the outbox, once); its memory. */
  restore(tenant: string, saved: SavedState | undefined): TenantMemory | undefined;
  /**
   * Commits a poll: the tenant's new memory and the events it implies are written in one atomic write of its
   * state file, then the events become pending in the outbox and are emitted to the logger's other processors.
   */
  commit(tenant: string, memory: TenantMemory, records: readonly LogRecord[]): Promise<void>;
  /** Resolves once every write begun has ended. */
  settled(): Promise<void>;
}

interface TenantEntry {
  memory: TenantMemory | undefined;
  /** The last written memory: its parts, which a quiet poll keeps as they are, and a digest of their text. */
  savedParts: readonly unknown[] | undefined;
  savedDigest: string;
  /** The writes of this tenant's file, one after the other: the last one always holds the latest. */
  writes: Promise<void>;
  rewriteQueued: boolean;
}

/** The collaborators of a {@link TenantLedger}; without a store (no `state.dir`) events go straight to the outbox. */
export interface TenantLedgerOptions {
  readonly store: StateStore | undefined;
  /** Undefined when nothing is exported over OTLP: events then only reach the logger's processors. */
  readonly outbox: Outbox | undefined;
  readonly logger: Pick<Logger, 'emit'>;
  readonly log: Log;
}

/**
 * Creates the ledger. Events delivered or dropped leave their tenants' files by one more write per tenant touched
 * (coalesced: a tenant whose rewrite waits is not queued twice), not one per event.
 */
export function createTenantLedger(options: TenantLedgerOptions): TenantLedger {
  const { store, outbox, log } = options;
  const tenants = new Map<string, TenantEntry>();
  const entryOf = (tenant: string): TenantEntry => {
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

  const write = (tenant: string, entry: TenantEntry, fresh: readonly unknown[]) =>
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
      const memoryChanged = changed(entry, memory);
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
function changed(entry: TenantEntry, memory: TenantMemory): boolean {
  const parts = partsOf(memory);
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
