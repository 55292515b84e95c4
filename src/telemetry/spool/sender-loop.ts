import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { backoffDelay } from '../../shared/retry-after.ts';
import type { Log } from '../../log.ts';
import { comparePositions, type SpoolPosition } from './cursor-file.ts';
import type { ExportFailure } from './describe-export-failure.ts';
import type { FailureReporter } from './failure-reporter.ts';
import { ATTR_EVENT_ID } from '../../catalogue/semconv.ts';
import { decodeRecord, type SpooledRecord } from './record-codec.ts';
import type { SegmentStore } from './segment-store.ts';
import { timerDelay } from '../../shared/timer-delay.ts';
import type { DropReason } from './spool-writer.ts';

/** A spooled line that could not be decoded. */
export interface CorruptLine {
  readonly at: SpoolPosition;
  readonly reason: string;
}

/** Collaborators and limits of a {@link SenderLoop}. */
export interface SenderLoopOptions {
  readonly store: SegmentStore;
  readonly exporter: LogRecordExporter;
  readonly rebuild: (records: readonly SpooledRecord[]) => ReadableLogRecord[];
  readonly failures: FailureReporter;
  readonly log: Log;
  /** Describes a failed export; `mark` is what {@link SenderLoopOptions.markAttempt} returned before it. */
  readonly describeFailure: (result: ExportResult, mark: number) => ExportFailure;
  readonly markAttempt: () => number;
  readonly onCorrupt: (lines: readonly CorruptLine[]) => void;
  /** Events that left the spool undelivered (one the collector refuses as too large even alone). */
  readonly onDrop: (count: number, reason: DropReason) => void;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  /** An export whose callback has not come after this long counts as failed. */
  readonly exportTimeoutMs: number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Batch {
  records: SpooledRecord[];
  end: SpoolPosition;
  bytes: number;
}
interface Pause {
  controller: AbortController;
  idle: boolean;
}

/** The collector's answer to a request larger than it accepts. */
const TOO_LARGE = 413;

/**
 * Moves records from the spool to the exporter, oldest first, one batch at a time. A batch leaves the spool only
 * when the exporter reports `SUCCESS`; otherwise it is sent again after an exponential backoff, forever. A batch
 * the collector refuses as too large (413) is sent again at once in halves, down to one event; one event refused
 * alone is dropped (`too-large-for-collector`). Batches stay that small until the spool is drained or such an event
 * is dropped: the collector's limit holds for the backlog, and one oversized event does not slow the rest.
 */
export class SenderLoop {
  readonly #options: SenderLoopOptions;
  readonly #progressListeners = new Set<() => void>();
  #running: Promise<void> | undefined;
  #stopped = false;
  #notified = false;
  #hurried = false;
  #storeFailing = false;
  #pause: Pause | undefined;
  #reportedUpTo: SpoolPosition = { segment: 0, offset: 0 };
  #batchLimit: number;

  constructor(options: SenderLoopOptions) {
    this.#options = options;
    this.#batchLimit = options.maxBatchRecords;
  }

  /** Starts the loop (once). */
  start(): void {
    this.#running ??= this.#run();
  }

  /** New records were appended: ends an idle wait (a backoff runs its course). */
  notify(): void {
    this.#notified = true;
    if (this.#pause?.idle) this.#pause.controller.abort();
  }

  /** Sends now: ends an idle wait or a backoff. */
  hurry(): void {
    this.#notified = true;
    this.#hurried = true;
    this.#pause?.controller.abort();
  }

  /** Resolves true once everything before `position` left the spool, false after `timeoutMs` or on stop. */
  waitUntilDelivered(position: SpoolPosition, timeoutMs: number): Promise<boolean> {
    if (this.#options.store.isAcknowledged(position)) return Promise.resolve(true);
    if (this.#stopped) return Promise.resolve(false);
    this.hurry();
    return new Promise((resolve) => {
      const finish = (delivered: boolean) => {
        clearTimeout(timer);
        this.#progressListeners.delete(check);
        resolve(delivered);
      };
      const check = () => {
        if (this.#options.store.isAcknowledged(position)) finish(true);
        else if (this.#stopped) finish(false);
      };
      const timer = setTimeout(() => finish(false), timerDelay(timeoutMs));
      this.#progressListeners.add(check);
    });
  }

  /** Stops the loop; resolves when the current export (if any) has come back. The store is not touched after. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#pause?.controller.abort();
    this.#signalProgress();
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#stopped) {
      try {
        const outcome = await this.#sendNextBatch();
        this.#storeFailing = false;
        if (outcome === 'idle') await this.#wait(undefined);
        else if (outcome === 'sent') attempt = 0;
        else if (outcome !== 'split') await this.#wait(this.#delay(++attempt, outcome.retryAfterMs));
      } catch (error) {
        if (!this.#storeFailing)
          this.#options.log.error('event spool unreadable, retrying', { reason: (error as Error).message });
        this.#storeFailing = true;
        await this.#wait(this.#delay(++attempt, undefined));
      }
    }
  }

  async #sendNextBatch(): Promise<'idle' | 'sent' | 'split' | ExportFailure> {
    this.#notified = false;
    this.#hurried = false;
    const batch = this.#readBatch();
    if (!batch) {
      this.#batchLimit = this.#options.maxBatchRecords;
      return 'idle';
    }
    const mark = this.#options.markAttempt();
    const result = await this.#export(this.#options.rebuild(batch.records));
    if (this.#stopped) return 'sent';
    const { store, failures } = this.#options;
    if (result.code === ExportResultCode.SUCCESS) {
      store.acknowledge(batch.end);
      failures.delivered(batch.records.length, store.pendingBytes());
      this.#signalProgress();
      return 'sent';
    }
    const failure = this.#options.describeFailure(result, mark);
    if (failure.fields['status'] === TOO_LARGE) return this.#splitOrDrop(batch, failure);
    failures.failed(failure.fields, store.pendingBytes());
    return failure;
  }

  /** After a 413: the next batch is half this one; a single event is dropped, and batches grow back at once. */
  #splitOrDrop(batch: Batch, failure: ExportFailure): 'sent' | 'split' {
    const { log, store, onDrop, maxBatchRecords } = this.#options;
    if (batch.records.length > 1) {
      if (this.#batchLimit === maxBatchRecords) {
        log.warn('collector refused a batch of events as too large (413); sending smaller batches', {
          ...failure.fields,
          records: batch.records.length,
          bytes: batch.bytes,
        });
      }
      this.#batchLimit = Math.max(1, Math.floor(batch.records.length / 2));
      return 'split';
    }
    const record = batch.records[0];
    const id = record.attributes[ATTR_EVENT_ID];
    log.error('collector refused an event as too large even alone (413); dropped', {
      ...failure.fields,
      event: record.eventName,
      id: typeof id === 'string' ? id : '',
      bytes: batch.bytes,
    });
    store.acknowledge(batch.end);
    onDrop(1, 'too-large-for-collector');
    this.#batchLimit = maxBatchRecords;
    this.#signalProgress();
    return 'sent';
  }

  /** The next batch of decodable records; corrupt lines are reported once and skipped. */
  #readBatch(): Batch | undefined {
    const { store, maxBatchBytes } = this.#options;
    for (;;) {
      const read = store.read(this.#batchLimit, maxBatchBytes);
      if (read.lines.length === 0) return undefined;
      const records: SpooledRecord[] = [];
      const corrupt: CorruptLine[] = [];
      for (const line of read.lines) {
        const decoded = line.complete
          ? decodeRecord(line.text)
          : { ok: false as const, reason: 'torn write (no newline at the end of the segment)' };
        if (decoded.ok) records.push(decoded.record);
        else if (comparePositions(line.at, this.#reportedUpTo) >= 0)
          corrupt.push({ at: line.at, reason: decoded.reason });
      }
      if (comparePositions(read.end, this.#reportedUpTo) > 0) this.#reportedUpTo = read.end;
      if (corrupt.length > 0) this.#options.onCorrupt(corrupt);
      if (records.length > 0)
        return { records, end: read.end, bytes: read.lines.reduce((sum, line) => sum + line.bytes, 0) };
      store.acknowledge(read.end);
      this.#signalProgress();
    }
  }

  #export(records: ReadableLogRecord[]): Promise<ExportResult> {
    const { exporter, exportTimeoutMs } = this.#options;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve({
          code: ExportResultCode.FAILED,
          error: new Error(`export did not finish within ${exportTimeoutMs} ms`),
        });
      }, timerDelay(exportTimeoutMs));
      const finish = (result: ExportResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      try {
        exporter.export(records, finish);
      } catch (error) {
        finish({ code: ExportResultCode.FAILED, error: error as Error });
      }
    });
  }

  #delay(attempt: number, retryAfterMs: number | undefined): number {
    const { initialMs, maxMs } = this.#options.backoff;
    const delay = backoffDelay(attempt - 1, initialMs, maxMs, this.#options.random);
    return retryAfterMs === undefined ? delay : Math.max(delay, Math.min(retryAfterMs, maxMs));
  }

  /** Waits `ms` (a backoff, ended early only by {@link SenderLoop.hurry}) or, when undefined, until notified. */
  async #wait(ms: number | undefined): Promise<void> {
    if (this.#stopped || (ms === undefined ? this.#notified : this.#hurried)) return;
    const pause: Pause = { controller: new AbortController(), idle: ms === undefined };
    this.#pause = pause;
    const { signal } = pause.controller;
    try {
      if (ms !== undefined) await this.#options.sleep(ms, signal);
      else await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } catch {
      // aborted: hurried or stopped
    } finally {
      this.#pause = undefined;
    }
  }

  #signalProgress(): void {
    for (const listener of [...this.#progressListeners]) listener();
  }
}
