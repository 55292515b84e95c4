import type { Log } from '../../log.ts';
import type { SegmentStore } from './segment-store.ts';
import { timerDelay } from '../../shared/timer-delay.ts';

/** Why events left the spool without being delivered. */
export type DropReason =
  /** The spool reached `maxBytes`: the oldest events made room. */
  | 'overflow'
  /** A spooled line could not be decoded (torn write after a crash, garbage). */
  | 'corrupt'
  /** One event larger than a quarter of the spool (or 1 MiB). */
  | 'too-large'
  /** The record could not be serialized (a cyclic attribute value, say). */
  | 'unencodable'
  /** The collector refused the event as too large (413) even sent alone. */
  | 'too-large-for-collector'
  /** Emitted after shutdown. */
  | 'closed';

/** Collaborators and limits of a {@link SpoolWriter}. */
export interface SpoolWriterOptions {
  readonly store: SegmentStore;
  readonly log: Log;
  /** Bound shared with the store: lines held in memory while the disk refuses writes count against it too. */
  readonly maxBytes: number;
  readonly maxRecordBytes: number;
  /** Appends are fsynced this long after the first unsynced one. */
  readonly syncDelayMs: number;
  /** Delay before writing again after the disk refused a write. */
  readonly retryDelayMs: number;
  readonly onDrop: (count: number, reason: DropReason) => void;
  /** Called after lines were appended (the sender may wake up). */
  readonly onAppended: () => void;
}

/**
 * Appends encoded records to the store at once (write(2): safe from a process crash when `append` returns) and
 * fsyncs them shortly after (safe from a machine crash). When the disk refuses a write, lines wait in memory, in
 * order, and are written again on a timer; the error is logged once per episode.
 */
export class SpoolWriter {
  readonly #options: SpoolWriterOptions;
  readonly #backlog: string[] = [];
  #backlogBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #diskFailing = false;

  constructor(options: SpoolWriterOptions) {
    this.#options = options;
  }

  /** Appends one encoded record; never throws. */
  append(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > this.#options.maxRecordBytes) {
      this.#options.log.warn('event too large for the spool, dropped', {
        bytes,
        maxRecordBytes: this.#options.maxRecordBytes,
      });
      this.#options.onDrop(1, 'too-large');
      return;
    }
    if (this.#backlog.length === 0 && this.#write(line)) {
      this.#options.onAppended();
      this.#schedule(this.#options.syncDelayMs);
      return;
    }
    this.#hold(line, bytes);
    this.#schedule(this.#options.retryDelayMs);
  }

  /** Writes what waits in memory and fsyncs; never throws. True when nothing is left in memory. */
  flush(): boolean {
    this.#clearTimer();
    let wrote = false;
    while (this.#backlog.length > 0 && this.#write(this.#backlog[0])) {
      this.#backlogBytes -= Buffer.byteLength(this.#backlog.shift()!) + 1;
      wrote = true;
    }
    if (wrote) this.#options.onAppended();
    try {
      this.#options.store.sync();
    } catch (error) {
      this.#reportDiskFailure(error);
    }
    if (this.#backlog.length > 0) this.#schedule(this.#options.retryDelayMs);
    return this.#backlog.length === 0;
  }

  /** Flushes and stops the timer. Lines the disk still refuses are lost: they are counted and logged. */
  close(): void {
    if (!this.flush()) {
      this.#options.log.error('event spool closed with events the disk refused', { dropped: this.#backlog.length });
      this.#options.onDrop(this.#backlog.length, 'closed');
    }
    this.#clearTimer();
    this.#backlog.length = 0;
    this.#backlogBytes = 0;
  }

  #write(line: string): boolean {
    try {
      const dropped = this.#options.store.append(line);
      if (dropped > 0) {
        this.#options.log.warn('event spool full, oldest events dropped', {
          dropped,
          maxBytes: this.#options.maxBytes,
        });
        this.#options.onDrop(dropped, 'overflow');
      }
      if (this.#diskFailing)
        this.#options.log.info('event spool writable again', { pendingBytes: this.#options.store.pendingBytes() });
      this.#diskFailing = false;
      return true;
    } catch (error) {
      this.#reportDiskFailure(error);
      return false;
    }
  }

  #hold(line: string, bytes: number): void {
    this.#backlog.push(line);
    this.#backlogBytes += bytes;
    let dropped = 0;
    while (
      this.#backlogBytes + this.#options.store.pendingBytes() > this.#options.maxBytes &&
      this.#backlog.length > 1
    ) {
      this.#backlogBytes -= Buffer.byteLength(this.#backlog.shift()!) + 1;
      dropped++;
    }
    if (dropped === 0) return;
    this.#options.log.warn('event spool full while the disk refuses writes, oldest held events dropped', { dropped });
    this.#options.onDrop(dropped, 'overflow');
  }

  #reportDiskFailure(error: unknown): void {
    if (!this.#diskFailing) {
      this.#options.log.error('cannot write the event spool; holding events in memory', {
        reason: (error as Error).message,
      });
    }
    this.#diskFailing = true;
  }

  #schedule(delayMs: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, timerDelay(delayMs));
    this.#timer.unref();
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
