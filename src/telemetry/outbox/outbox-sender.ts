import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { ATTR_EVENT_ID } from '../../catalogue/semconv.ts';
import type { Log } from '../../log.ts';
import { backoffDelay } from '../../shared/retry-after.ts';
import { timerDelay } from '../../shared/timer-delay.ts';
import type { ExportFailure } from '../export-failure.ts';
import { exportWithin, type ExportTarget, type ExportWatch } from '../export-watch.ts';
import { rebuildRecord } from './event-codec.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';

/** Collaborators, limits and seams of an {@link OutboxSender}. */
export interface OutboxSenderOptions {
  readonly outbox: Outbox;
  readonly exporter: LogRecordExporter;
  /** Where each export's outcome is reported (first failure, reminders, recovery). */
  readonly watch: ExportWatch;
  readonly target: ExportTarget;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly log: Log;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly maxBatchEvents?: number;
  /** An export whose callback has not come after this long counts as failed. */
  readonly exportTimeoutMs?: number;
  readonly random?: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The collector's answer to a request larger than it accepts. */
const TOO_LARGE = 413;

/** About the largest batch sent, in the outbox's bytes (at least one event). */
const MAX_BATCH_BYTES = 512 * 1024;

/**
 * Sends the outbox's events with the OTLP exporter, oldest first across tenants, a bounded batch at a time; a batch
 * leaves the outbox only when the exporter reports `SUCCESS`, and is otherwise sent again after an exponential
 * backoff (at least the collector's `Retry-After`), forever. A batch the collector refuses as too large (413) is
 * sent again at once in halves, down to one event; one event refused alone is dropped
 * (`too-large-for-collector`). Batches stay that small until the outbox is drained or such an event is dropped.
 */
export class OutboxSender {
  readonly #options: OutboxSenderOptions;
  readonly #maxBatch: number;
  readonly #progress = new Set<() => void>();
  #running: Promise<void> | undefined;
  #stopped = false;
  /** A flush asked for sending at once: the next backoff is skipped. */
  #hurried = false;
  #batchLimit: number;
  #pause: { controller: AbortController; idle: boolean } | undefined;

  constructor(options: OutboxSenderOptions) {
    this.#options = options;
    this.#maxBatch = Math.max(1, options.maxBatchEvents ?? 512);
    this.#batchLimit = this.#maxBatch;
    options.outbox.onAdmitted(() => {
      if (this.#pause?.idle) this.#pause.controller.abort();
    });
  }

  /** Starts the loop (once). */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Sends at once (ends a backoff); resolves true once the outbox is empty, false after `timeoutMs` or on stop. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.#options.outbox.pendingCount === 0) return Promise.resolve(true);
    if (this.#stopped) return Promise.resolve(false);
    this.#hurried = true;
    this.#pause?.controller.abort();
    return new Promise((resolve) => {
      const finish = (delivered: boolean) => {
        clearTimeout(timer);
        this.#progress.delete(check);
        resolve(delivered);
      };
      const check = () => {
        if (this.#options.outbox.pendingCount === 0) finish(true);
        else if (this.#stopped) finish(false);
      };
      const timer = setTimeout(() => finish(false), timerDelay(timeoutMs));
      this.#progress.add(check);
    });
  }

  /** Stops the loop; resolves when the export in flight (if any) has come back. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#pause?.controller.abort();
    this.#signalProgress();
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#stopped) {
      const batch = this.#options.outbox.oldest(this.#batchLimit, MAX_BATCH_BYTES);
      if (batch.length === 0) {
        this.#batchLimit = this.#maxBatch;
        await this.#wait(undefined);
        continue;
      }
      this.#hurried = false;
      const outcome = await this.#send(batch);
      if (outcome === 'sent') attempt = 0;
      else if (outcome !== 'split') await this.#wait(this.#delay(++attempt, outcome.retryAfterMs));
    }
  }

  async #send(batch: readonly OutboxEntry[]): Promise<'sent' | 'split' | ExportFailure> {
    const { outbox, exporter, watch, target, resource, scope } = this.#options;
    const attempt = watch.begin(target);
    const records = batch.map((entry) => rebuildRecord(entry.event, resource, scope));
    const result = await exportWithin(
      (done) => exporter.export(records, done),
      this.#options.exportTimeoutMs ?? 30_000,
    );
    const failure = attempt.describe(result);
    if (failure?.fields['status'] === TOO_LARGE) {
      attempt.forget(failure, batch.length);
      return this.#splitOrDrop(batch, failure);
    }
    attempt.end(result, { records: batch.length });
    if (failure) return failure;
    outbox.settle(batch);
    this.#signalProgress();
    return 'sent';
  }

  /** After a 413: the next batch is half this one; a single event is dropped, and batches grow back at once. */
  #splitOrDrop(batch: readonly OutboxEntry[], failure: ExportFailure): 'sent' | 'split' {
    const { log, outbox } = this.#options;
    const bytes = batch.reduce((sum, entry) => sum + entry.bytes, 0);
    if (batch.length > 1) {
      if (this.#batchLimit === this.#maxBatch)
        log.warn('collector refused a batch of events as too large (413); sending smaller batches', {
          ...failure.fields,
          records: batch.length,
          bytes,
        });
      this.#batchLimit = Math.max(1, Math.floor(batch.length / 2));
      return 'split';
    }
    const id = batch[0].event.attributes[ATTR_EVENT_ID];
    log.error('collector refused an event as too large even alone (413); dropped', {
      ...failure.fields,
      event: batch[0].event.event,
      id: typeof id === 'string' ? id : '',
      bytes,
    });
    outbox.settle(batch, 'too-large-for-collector');
    this.#batchLimit = this.#maxBatch;
    this.#signalProgress();
    return 'sent';
  }

  #delay(attempt: number, retryAfterMs: number | undefined): number {
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    const delay = backoffDelay(attempt - 1, initialMs, maxMs, this.#options.random);
    return retryAfterMs === undefined ? delay : Math.max(delay, Math.min(retryAfterMs, maxMs));
  }

  /** Waits `ms` (a backoff, ended early by a flush or stop) or, when undefined, until events are admitted. */
  async #wait(ms: number | undefined): Promise<void> {
    const ready = ms === undefined ? this.#options.outbox.pendingCount > 0 : this.#hurried;
    if (this.#stopped || ready) return;
    const pause = { controller: new AbortController(), idle: ms === undefined };
    this.#pause = pause;
    const { signal } = pause.controller;
    try {
      if (ms !== undefined) await this.#options.sleep(ms, signal);
      else await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } catch {
      // aborted: flushed or stopped
    } finally {
      this.#pause = undefined;
    }
  }

  #signalProgress(): void {
    for (const listener of [...this.#progress]) listener();
  }
}
