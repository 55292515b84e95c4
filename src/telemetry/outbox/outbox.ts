import type { LogRecord } from '@opentelemetry/api';
import type { Log, LogFields } from '../../log.ts';
import { decodeEvent, encodeEvent, type EncodedEvent } from './event-codec.ts';

/** Why events left the outbox undelivered: the `error.type` of `m365.events.dropped`. */
export type DropReason =
  /** The outbox reached its bound (`state.spool_max_size`): the oldest events made room. */
  | 'overflow'
  /** An event read back from a state file is not an event of this format. */
  | 'corrupt'
  /** One event larger than a quarter of the bound (or 1 MiB). */
  | 'too-large'
  /** The record could not be encoded (a cyclic attribute value, say). */
  | 'unencodable'
  /** The collector refused the event as too large (413) even sent alone. */
  | 'too-large-for-collector';

/** A pending event, the tenant whose state file holds it, and its size there. */
export interface OutboxEntry {
  readonly tenant: string;
  readonly event: EncodedEvent;
  readonly bytes: number;
}

/** Bound and sinks of an {@link Outbox}. */
export interface OutboxOptions {
  /** Bound on the bytes of pending events, all tenants together. */
  readonly maxBytes: number;
  readonly log: Log;
  readonly clock: () => number;
  readonly onDrop?: (count: number, reason: DropReason) => void;
}

const MIB = 1024 * 1024;

/**
 * The events not yet delivered, of every tenant, in order of creation. Events enter it only once written with
 * their tenant's state ({@link Outbox.admit}), and leave it when delivered or dropped ({@link Outbox.settle}):
 * the tenants touched are then told, so that their state files are written again without them.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #maxEventBytes: number;
  #queue: OutboxEntry[] = [];
  readonly #live = new Set<OutboxEntry>();
  readonly #byTenant = new Map<string, OutboxEntry[]>();
  readonly #admitted = new Set<() => void>();
  readonly #settled = new Set<(tenants: ReadonlySet<string>) => void>();
  #bytes = 0;
  #lastNumber = 0;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#maxEventBytes = Math.min(MIB, Math.floor(options.maxBytes / 4));
  }

  /** Events pending, all tenants together. */
  get pendingCount(): number {
    return this.#queue.length;
  }

  /** Numbers and encodes new records; one that cannot be encoded, or is too large, is dropped and counted. */
  encode(records: readonly LogRecord[]): EncodedEvent[] {
    const encoded: EncodedEvent[] = [];
    for (const record of records) {
      const now = this.#options.clock();
      // Numbers follow the clock (µs) so that they keep growing across restarts, and never repeat within one.
      const n = Math.max(now * 1000, this.#lastNumber + 1);
      try {
        const event = encodeEvent(record, n, now);
        if (this.#fits(event, record.eventName)) encoded.push(event);
        this.#lastNumber = n;
      } catch (error) {
        this.#drop(1, 'unencodable', 'event cannot be encoded, dropped', {
          event: record.eventName,
          reason: (error as Error).message,
        });
      }
    }
    return encoded;
  }

  /**
   * Makes events pending for `tenant`: new ones once written with its state, or those read back from its state
   * file, checked here: a corrupt one is dropped and counted. The oldest make room when the bound is reached.
   */
  admit(tenant: string, events: readonly unknown[]): void {
    const entries: OutboxEntry[] = [];
    let corrupt: string | undefined;
    for (const raw of events) {
      try {
        const event = decodeEvent(raw);
        entries.push({ tenant, event, bytes: Buffer.byteLength(JSON.stringify(event)) });
        this.#lastNumber = Math.max(this.#lastNumber, event.n);
      } catch (error) {
        corrupt = (error as Error).message;
        this.#drop(1, 'corrupt');
      }
    }
    if (corrupt) this.#options.log.warn('corrupt events in the outbox skipped', { tenant, reason: corrupt });
    if (entries.length === 0) return;
    const bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    this.#makeRoom(bytes);
    const ordered = this.#queue.length === 0 || entries[0].event.n > this.#queue.at(-1)!.event.n;
    this.#queue.push(...entries);
    if (!ordered) this.#queue.sort((a, b) => a.event.n - b.event.n);
    this.#byTenant.set(tenant, [...(this.#byTenant.get(tenant) ?? []), ...entries]);
    for (const entry of entries) this.#live.add(entry);
    this.#bytes += bytes;
    for (const listener of this.#admitted) listener();
  }

  /** The events pending for `tenant`, as its state file keeps them. */
  pendingOf(tenant: string): EncodedEvent[] {
    return (this.#byTenant.get(tenant) ?? []).map((entry) => entry.event);
  }

  /** The oldest pending events: at most `maxEvents`, and about `maxBytes` (at least one). */
  oldest(maxEvents: number, maxBytes: number): OutboxEntry[] {
    const batch: OutboxEntry[] = [];
    let bytes = 0;
    for (const entry of this.#queue) {
      if (batch.length >= maxEvents || (batch.length > 0 && bytes + entry.bytes > maxBytes)) break;
      batch.push(entry);
      bytes += entry.bytes;
    }
    return batch;
  }

  /** Takes events out: delivered, or dropped for `reason` (counted). Entries already gone are passed over. */
  settle(entries: readonly OutboxEntry[], reason?: DropReason): void {
    const gone = entries.filter((entry) => this.#live.has(entry));
    if (gone.length === 0) return;
    const tenants = new Set<string>();
    for (const entry of gone) {
      this.#live.delete(entry);
      this.#bytes -= entry.bytes;
      tenants.add(entry.tenant);
    }
    this.#queue = this.#queue.filter((entry) => this.#live.has(entry));
    for (const tenant of tenants) {
      const left = this.#byTenant.get(tenant)!.filter((entry) => this.#live.has(entry));
      if (left.length === 0) this.#byTenant.delete(tenant);
      else this.#byTenant.set(tenant, left);
    }
    if (reason) this.#drop(gone.length, reason);
    for (const listener of this.#settled) listener(tenants);
  }

  /** Calls `listener` whenever events become pending. */
  onAdmitted(listener: () => void): void {
    this.#admitted.add(listener);
  }

  /** Calls `listener` with the tenants whose pending events changed by a {@link settle}. */
  onSettled(listener: (tenants: ReadonlySet<string>) => void): void {
    this.#settled.add(listener);
  }

  #fits(event: EncodedEvent, name: string | undefined): boolean {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes <= this.#maxEventBytes) return true;
    this.#drop(1, 'too-large', 'event too large for the outbox, dropped', {
      event: name,
      bytes,
      maxEventBytes: this.#maxEventBytes,
    });
    return false;
  }

  #makeRoom(bytes: number): void {
    let count = 0;
    let freed = 0;
    while (count < this.#queue.length && this.#bytes - freed + bytes > this.#options.maxBytes)
      freed += this.#queue[count++].bytes;
    if (count === 0) return;
    this.#options.log.warn('event outbox full, oldest events dropped', {
      dropped: count,
      maxBytes: this.#options.maxBytes,
    });
    this.settle(this.#queue.slice(0, count), 'overflow');
  }

  #drop(count: number, reason: DropReason, message?: string, fields: LogFields = {}): void {
    if (message) this.#options.log.warn(message, fields);
    this.#options.onDrop?.(count, reason);
  }
}
