import type { ForceFlushOptions, LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { LogFields } from '../../log.ts';
import { ATTR_EVENT_ID } from '../../catalogue/semconv.ts';
import type { FailureReporter } from './failure-reporter.ts';
import type { HttpStatusProbe } from './http-status-probe.ts';
import { encodeRecord } from './record-codec.ts';
import type { SegmentStore } from './segment-store.ts';
import type { SenderLoop } from './sender-loop.ts';
import type { ResolvedSpoolOptions } from './spool-options.ts';
import type { SpoolLock } from './spool-lock.ts';
import type { DropReason, SpoolWriter } from './spool-writer.ts';
import { waitAtMost } from '../../shared/wait-at-most.ts';

/** Counts dropped events and passes each drop on. */
export interface DropCounter {
  readonly total: number;
  add(count: number, reason: DropReason): void;
}

/** The parts a {@link SpoolingLogRecordProcessor} drives; {@link openEventSpool} builds them. */
export interface SpoolParts {
  readonly options: ResolvedSpoolOptions;
  readonly store: SegmentStore;
  readonly writer: SpoolWriter;
  readonly sender: SenderLoop;
  readonly failures: FailureReporter;
  readonly lock: SpoolLock;
  readonly probe: HttpStatusProbe | undefined;
  readonly drops: DropCounter;
}

/**
 * A `LogRecordProcessor` that writes every record to an on-disk spool before anything else, and delivers the spool
 * to the exporter in the background, oldest first, removing records only once the exporter reports success.
 *
 * Guarantees (see `docs/reliability.md`):
 * - When `onEmit` returns, the record is in the spool file (write(2)): the death of the process (SIGKILL, OOM,
 *   crash) loses nothing. It is fsynced within `syncDelayMs` (50 ms): a machine crash or power loss loses at most
 *   the records emitted in that window.
 * - Delivery is at least once. Every record carries `m365.event.id` (kept when the emitter set one, a random UUID
 *   otherwise): the dedupe key. Duplicates arise only when the process dies, or `shutdown` gives up, between the
 *   collector's acceptance of a batch and the atomic write of the cursor that follows it: that batch (at most
 *   `maxBatchRecords`) is sent again by the next process.
 * - Delivery is in emission order; a failed batch is retried forever with capped exponential backoff.
 * - Bounded by `maxBytes`: beyond it the oldest segment (at most `segmentBytes` of events) is dropped, counted
 *   (`droppedCount()`, `onDrop`) and logged. An event in flight when it is dropped may still arrive: the count
 *   errs towards more, never fewer.
 */
export class SpoolingLogRecordProcessor implements LogRecordProcessor {
  readonly #parts: SpoolParts;
  #closed = false;
  #shutdown: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lockLost = false;

  constructor(parts: SpoolParts) {
    this.#parts = parts;
  }

  /** Starts the sender and the lock's heartbeat. */
  start(): void {
    this.#parts.sender.start();
    this.#heartbeat ??= setInterval(() => this.#refreshLock(), Math.max(1000, this.#parts.options.lockStaleMs / 4));
    this.#heartbeat.unref();
  }

  /** Spools the record (adding `m365.event.id` when absent) and returns; never throws. */
  onEmit(record: ReadWriteLogRecord): void {
    const { log } = this.#parts.options;
    if (this.#closed) {
      log.warn('event emitted after the spool was shut down, dropped', { event: record.eventName });
      this.#parts.drops.add(1, 'closed');
      return;
    }
    const line = this.#encode(record);
    if (line !== undefined) this.#parts.writer.append(line);
  }

  /** Fsyncs and waits (within `options.timeoutMillis`, default `flushTimeoutMs`) for the spool to be delivered. */
  async forceFlush(options?: ForceFlushOptions): Promise<void> {
    await this.flush(options?.timeoutMillis ?? this.#parts.options.flushTimeoutMs);
  }

  /** Like `forceFlush`, but tells whether everything emitted so far was delivered within `timeoutMs`. */
  async flush(timeoutMs: number): Promise<boolean> {
    const written = this.#parts.writer.flush();
    const delivered = await this.#parts.sender.waitUntilDelivered(this.#parts.store.end(), timeoutMs);
    return written && delivered;
  }

  /**
   * Tries to deliver what is pending within `shutdownTimeoutMs`, then stops. Whatever is undelivered stays on disk
   * for the next start. Never rejects.
   */
  shutdown(): Promise<void> {
    return this.shutdownWithin(this.#parts.options.shutdownTimeoutMs);
  }

  /** Like `shutdown`, within `timeoutMs` when that is shorter than `shutdownTimeoutMs`. The first call decides. */
  shutdownWithin(timeoutMs: number): Promise<void> {
    this.#shutdown ??= this.#stop(Math.max(0, Math.min(timeoutMs, this.#parts.options.shutdownTimeoutMs)));
    return this.#shutdown;
  }

  /** Events dropped so far (overflow, corrupt lines, too large for the spool or the collector, after shutdown). */
  droppedCount(): number {
    return this.#parts.drops.total;
  }

  /** Bytes in the spool not yet delivered. */
  pendingBytes(): number {
    return this.#parts.store.pendingBytes();
  }

  /** What the last failed export said, while exports fail (undefined once one succeeds). */
  lastFailure(): LogFields | undefined {
    return this.#parts.failures.lastFailure;
  }

  #encode(record: ReadWriteLogRecord): string | undefined {
    try {
      const attributes = { ...record.attributes };
      if (attributes[ATTR_EVENT_ID] === undefined) {
        attributes[ATTR_EVENT_ID] = this.#parts.options.newEventId();
        record.setAttribute(ATTR_EVENT_ID, attributes[ATTR_EVENT_ID]);
      }
      const { name, version, schemaUrl } = record.instrumentationScope;
      return encodeRecord({
        hrTime: record.hrTime,
        hrTimeObserved: record.hrTimeObserved,
        eventName: record.eventName,
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        body: record.body,
        attributes,
        droppedAttributesCount: record.droppedAttributesCount,
        scope: { name, version, schemaUrl },
      });
    } catch (error) {
      this.#parts.options.log.warn('event cannot be spooled, dropped', {
        event: record.eventName,
        reason: (error as Error).message,
      });
      this.#parts.drops.add(1, 'unencodable');
      return undefined;
    }
  }

  async #stop(timeoutMs: number): Promise<void> {
    const { options, sender, writer, store, lock, probe } = this.#parts;
    const started = performance.now();
    const remaining = () => Math.max(0, timeoutMs - (performance.now() - started));
    this.#closed = true;
    const delivered = await this.flush(timeoutMs);
    await waitAtMost(sender.stop(), remaining());
    clearInterval(this.#heartbeat);
    const pendingBytes = store.pendingBytes();
    try {
      writer.close();
      store.close();
    } catch (error) {
      options.log.error('cannot close the event spool', { reason: (error as Error).message });
    }
    probe?.close();
    lock.release();
    await waitAtMost(
      options.exporter.shutdown().catch(() => undefined),
      remaining(),
    );
    if (!delivered)
      options.log.warn('undelivered events stay in the spool for the next start', { dir: options.dir, pendingBytes });
  }

  #refreshLock(): void {
    let ours: boolean;
    try {
      ours = this.#parts.lock.refresh();
    } catch {
      ours = false;
    }
    if (ours || this.#lockLost) return;
    this.#lockLost = true;
    this.#parts.options.log.error('event spool lock lost: another process took over the spool directory', {
      dir: this.#parts.options.dir,
    });
  }
}
