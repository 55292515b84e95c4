import type { Log, LogFields } from '../../log.ts';

/** Logging policy of export failures. */
export interface FailureReporterOptions {
  readonly log: Log;
  readonly clock: () => number;
  /** While failures go on, one reminder per this interval. */
  readonly repeatMs: number;
}

/**
 * Turns a stream of export outcomes into few log lines: the first failure, a reminder per `repeatMs` while the
 * failures go on, the recovery, and the moment the backlog built up during the outage is delivered.
 */
export class FailureReporter {
  readonly #options: FailureReporterOptions;
  #failingSince: number | undefined;
  #attempts = 0;
  #lastLoggedAt = 0;
  #deliveredSinceRecovery: number | undefined;
  #lastFailure: LogFields | undefined;

  constructor(options: FailureReporterOptions) {
    this.#options = options;
  }

  /** True while exports fail. */
  get failing(): boolean {
    return this.#failingSince !== undefined;
  }

  /** What the last failed export said, while exports fail. */
  get lastFailure(): LogFields | undefined {
    return this.#lastFailure;
  }

  /** An export failed; `details` describes why (collector status, error). */
  failed(details: LogFields, pendingBytes: number): void {
    const now = this.#options.clock();
    this.#lastFailure = details;
    this.#attempts++;
    if (this.#failingSince === undefined) {
      this.#failingSince = now;
      this.#lastLoggedAt = now;
      this.#options.log.warn('event export failed; events stay in the spool and are retried', {
        ...details,
        pendingBytes,
      });
      return;
    }
    if (now - this.#lastLoggedAt < this.#options.repeatMs) return;
    this.#lastLoggedAt = now;
    const failingForS = Math.round((now - this.#failingSince) / 1000);
    this.#options.log.warn('event export still failing', {
      ...details,
      attempts: this.#attempts,
      failingForS,
      pendingBytes,
    });
  }

  /** An export of `count` records succeeded; `pendingBytes` are left in the spool. */
  delivered(count: number, pendingBytes: number): void {
    const { log, clock } = this.#options;
    this.#lastFailure = undefined;
    if (this.#failingSince !== undefined) {
      const outageS = Math.round((clock() - this.#failingSince) / 1000);
      log.info('event export recovered', { attempts: this.#attempts, outageS, delivered: count, pendingBytes });
      this.#failingSince = undefined;
      this.#attempts = 0;
      this.#deliveredSinceRecovery = pendingBytes > 0 ? count : undefined;
      return;
    }
    if (this.#deliveredSinceRecovery === undefined) return;
    this.#deliveredSinceRecovery += count;
    if (pendingBytes > 0) return;
    log.info('event backlog delivered', { delivered: this.#deliveredSinceRecovery });
    this.#deliveredSinceRecovery = undefined;
  }
}
