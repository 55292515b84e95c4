import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Log, LogFields } from '../log.ts';
import type { ExportAnswer, PartialSuccess } from './otlp/protobuf-metric-exporter.ts';
import { describeExportFailure, probeHttpStatus, type ExportFailure, type HttpStatusProbe } from './export-failure.ts';
import type { ExportStatus } from '../observation/export-status.ts';
import { timerDelay } from '../shared/timer-delay.ts';

/** Where a stream of exports goes: a signal, the collector's URL for it, and the exporter's `otel.component.type`. */
export interface ExportTarget {
  readonly signal: 'metrics' | 'logs';
  readonly url: string;
  /** Default: the OTLP/HTTP protobuf exporter of the signal. */
  readonly component?: string;
}

/** A target that was not delivered everything: why (the last failure), or that exports were still in flight. */
export interface UndeliveredExport extends ExportTarget {
  readonly reason: string;
  /** The collector's HTTP status, when it answered. */
  readonly status?: number;
}

/** Requests and items (points, log records) whose export finished, of one exporter, by `error.type` (none: sent). */
export interface ExportTally {
  readonly signal: 'metrics' | 'logs';
  readonly component: string;
  readonly errorType: string | undefined;
  readonly requests: number;
  readonly items: number;
}

/** A signal's exports started failing (with the first failure's fields) or recovered (after `outageMs`). */
export type ExportChange =
  | { readonly target: ExportTarget; readonly failure: LogFields }
  | { readonly target: ExportTarget; readonly outageMs: number };

/** An export begun by {@link ExportWatch.begin}: end it with its result. */
export interface ExportAttempt {
  /** What a failed result says (with the status the exporter may have left out); undefined for a success. */
  describe(result: ExportResult): ExportFailure | undefined;
  /** `fields` name the items sent (`points` or `records`), which the tallies count. */
  end(result: ExportAnswer, fields?: LogFields): void;
  /** Ends the attempt, counted as failed, without a verdict: its caller deals with the failure (the events' 413). */
  forget(failure: ExportFailure, items: number): void;
}

export interface ExportWatchOptions {
  readonly log: Log;
  readonly clock: () => number;
  /** At most one reminder of an outage, and one line of partial successes, per this many ms. */
  readonly repeatMs: number;
  /** How long a signal's exports must keep failing before {@link ExportStatus.failing}; absent: never. */
  readonly failingAfterMs?: number;
  /** When given, told of each outage's start and end instead of the log, and no reminders are made (the demo). */
  readonly onChange?: (change: ExportChange) => void;
}

interface TargetState {
  readonly target: ExportTarget;
  readonly probe: HttpStatusProbe;
  inFlight: number;
  attempts: number;
  failingSince?: number;
  lastLoggedAt: number;
  lastLoggedStatus?: number;
  lastFailure?: UndeliveredExport;
  lastSuccessAt?: number;
  lastError?: { at: number; reason: string; status?: number; errorType: string };
  /** Finished requests and items by `error.type` (`''`: sent). */
  readonly tallies: Map<string, { requests: number; items: number }>;
  /** Partial successes since the last one logged, and the points they rejected. */
  partial: { answers: number; rejected: number; loggedAt?: number };
}

const TOO_LARGE = 413;

/**
 * Watches the results of the OTLP exports (metrics, and the events the outbox sends), which the OpenTelemetry SDK
 * would only tell its diag logger. Logs the first failure of an outage (an error when the collector's answer needs a
 * person: 401, 403, 404, 413), a reminder per `repeatMs` (or sooner when the collector's status changes) and the
 * recovery; logs the collector's partial successes (points it rejected, which are not sent again) the same way,
 * first then once per `repeatMs`; keeps each signal's state for the status endpoint and readiness, and the tallies
 * of the export metrics; and remembers the last failure of each target, so that `run` can say what its last flush
 * did not deliver.
 */
export class ExportWatch {
  readonly #options: ExportWatchOptions;
  readonly #targets = new Map<string, TargetState>();

  constructor(options: ExportWatchOptions) {
    this.#options = options;
  }

  /** Starts one export to `target`. */
  begin(target: ExportTarget): ExportAttempt {
    const state = this.#state(target);
    const mark = state.probe.mark();
    state.inFlight++;
    let ended = false;
    const describe = (result: ExportResult) =>
      result.code === ExportResultCode.SUCCESS
        ? undefined
        : describeExportFailure(result, state.probe.lastSince(mark), target.url, this.#options.clock());
    const finish = () => {
      if (ended) return false;
      ended = true;
      state.inFlight--;
      return true;
    };
    return {
      describe,
      end: (result, fields = {}) => {
        if (!finish()) return;
        const items = itemsOf(fields);
        if (result.code === ExportResultCode.SUCCESS) this.#succeeded(state, items, result.partialSuccess);
        if (result.partialSuccess) return this.#partlyAccepted(state, result.partialSuccess, fields);
        const failure = describe(result);
        if (failure) this.#failed(state, failure, fields, items);
      },
      forget: (failure, items) => {
        if (finish()) tally(state, failure.errorType, items);
      },
    };
  }

  /** Forgets the failures recorded so far: {@link undelivered} then tells of the exports from here on (the last flush). */
  forgetFailures(): void {
    for (const state of this.#targets.values()) state.lastFailure = undefined;
  }

  /** Every target with a failed export (since {@link forgetFailures}), and every target with an export in flight. */
  undelivered(): UndeliveredExport[] {
    const found: UndeliveredExport[] = [];
    for (const state of this.#targets.values()) {
      if (state.lastFailure) found.push(state.lastFailure);
      else if (state.inFlight > 0) found.push({ ...state.target, reason: 'still being sent when the agent stopped' });
    }
    return found;
  }

  /** The state of each target's exports now. */
  statuses(): ExportStatus[] {
    const now = this.#options.clock();
    return [...this.#targets.values()].map((state) => {
      const { lastError, failingSince } = state;
      return {
        signal: state.target.signal === 'logs' ? 'events' : 'metrics',
        endpoint: state.target.url,
        lastSuccessAt: state.lastSuccessAt,
        lastFailureAt: lastError?.at,
        lastFailure: lastError && {
          reason: lastError.reason,
          status: lastError.status,
          errorType: lastError.errorType,
        },
        consecutiveFailures: state.attempts,
        failingSince,
        failing: failingSince !== undefined && now - failingSince >= (this.#options.failingAfterMs ?? Infinity),
      };
    });
  }

  /** Every target's finished requests and items so far, by `error.type`. */
  tallies(): ExportTally[] {
    return [...this.#targets.values()].flatMap(({ target, tallies }) =>
      [...tallies].map(([errorType, counts]) => ({
        signal: target.signal,
        component: componentOf(target),
        errorType: errorType === '' ? undefined : errorType,
        ...counts,
      })),
    );
  }

  /** Stops watching HTTP responses. */
  close(): void {
    for (const state of this.#targets.values()) state.probe.close();
  }

  #state(target: ExportTarget): TargetState {
    const key = `${target.signal} ${target.url}`;
    let state = this.#targets.get(key);
    if (!state) {
      state = {
        target,
        probe: probeHttpStatus(target.url),
        inFlight: 0,
        attempts: 0,
        lastLoggedAt: 0,
        tallies: new Map(),
        partial: { answers: 0, rejected: 0 },
      };
      this.#targets.set(key, state);
    }
    return state;
  }

  #succeeded(state: TargetState, items: number, partial: PartialSuccess | undefined): void {
    const now = this.#options.clock();
    const rejected = Math.min(items, partial?.rejected ?? 0);
    tally(state, '', items - rejected);
    if (rejected > 0) tally(state, 'rejected', rejected, 0);
    state.lastSuccessAt = now;
    if (state.failingSince === undefined) return;
    const outageMs = now - state.failingSince;
    const { signal, url } = state.target;
    if (this.#options.onChange) this.#options.onChange({ target: state.target, outageMs });
    else
      this.#options.log.info(`${signal} export recovered`, {
        url,
        attempts: state.attempts,
        outageS: Math.round(outageMs / 1000),
      });
    state.failingSince = undefined;
    state.attempts = 0;
  }

  /** Logs the first partial success, then at most one per `repeatMs`, with what was rejected since the last line. */
  #partlyAccepted(state: TargetState, answer: PartialSuccess, extra: LogFields): void {
    const now = this.#options.clock();
    const partial = state.partial;
    partial.answers++;
    partial.rejected += answer.rejected;
    if (partial.loggedAt !== undefined && now - partial.loggedAt < this.#options.repeatMs) return;
    const { signal, url } = state.target;
    const counts = partial.answers === 1 ? {} : { answers: partial.answers };
    const fields = { url, rejected: partial.rejected, message: answer.message, ...extra, ...counts };
    const { log } = this.#options;
    if (partial.rejected > 0) log.warn(`collector rejected part of a ${signal} export (partial success)`, fields);
    else log.warn(`collector took a ${signal} export with a warning (partial success)`, fields);
    state.partial = { answers: 0, rejected: 0, loggedAt: now };
  }

  #failed(state: TargetState, failure: ExportFailure, extra: LogFields, items: number): void {
    const now = this.#options.clock();
    const { fields: described, errorType } = failure;
    const status = typeof described['status'] === 'number' ? described['status'] : undefined;
    const { signal, url } = state.target;
    const reason = String(described['reason']);
    state.lastFailure = { signal, url, reason, ...(status === undefined ? {} : { status }) };
    state.lastError = { at: now, reason, errorType, ...(status === undefined ? {} : { status }) };
    tally(state, errorType, items);
    state.attempts++;
    const first = state.failingSince === undefined;
    state.failingSince ??= now;
    const { log, onChange, repeatMs } = this.#options;
    if (first && onChange && status !== TOO_LARGE) return onChange({ target: state.target, failure: described });
    if (!first && (onChange || (status === state.lastLoggedStatus && now - state.lastLoggedAt < repeatMs))) return;
    state.lastLoggedAt = now;
    state.lastLoggedStatus = status;
    const fields = { url, ...described, ...extra, ...(first ? {} : { attempts: state.attempts }) };
    if (status === TOO_LARGE) log.error(`collector refused a ${signal} export as too large (413)`, fields);
    else if (described['hint'] !== undefined && status !== undefined)
      log.error(first ? `${signal} export refused` : `${signal} export still refused`, fields);
    else log.warn(first ? `${signal} export failed` : `${signal} export still failing`, fields);
  }
}

/** Counts one finished request of `items` items under `errorType` (`''`: sent). */
function tally(state: TargetState, errorType: string, items: number, requests = 1): void {
  const counts = state.tallies.get(errorType) ?? { requests: 0, items: 0 };
  counts.requests += requests;
  counts.items += items;
  state.tallies.set(errorType, counts);
}

/** The items an export's log fields name: its points or its log records. */
function itemsOf(fields: LogFields): number {
  const items = fields['points'] ?? fields['records'];
  return typeof items === 'number' ? items : 0;
}

/** The `otel.component.type` of a target's exporter, by the semantic conventions' names. */
function componentOf(target: ExportTarget): string {
  return target.component ?? (target.signal === 'metrics' ? 'otlp_http_metric_exporter' : 'otlp_http_log_exporter');
}

/** The one line `run` prints for a target that was not delivered. */
export function formatUndelivered(undelivered: UndeliveredExport): string {
  const status = undelivered.status === undefined ? '' : ` (HTTP ${undelivered.status})`;
  return `${undelivered.signal} not delivered to ${undelivered.url}: ${undelivered.reason}${status}`;
}

/**
 * The result `send` gives to its callback, or a failure after `timeoutMs` without one: an exporter's own timeout is
 * a socket idle timeout, so a collector (or proxy) that trickles its answer would otherwise hold every later export
 * for ever. The request itself is left to finish or fail on its own. A throw is a failure too.
 */
export function exportWithin(send: (done: (result: ExportAnswer) => void) => void, timeoutMs: number) {
  return new Promise<ExportAnswer>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ code: ExportResultCode.FAILED, error: new Error(`export did not finish within ${timeoutMs} ms`) });
    }, timerDelay(timeoutMs));
    const finish = (result: ExportAnswer) => {
      clearTimeout(timer);
      resolve(result);
    };
    try {
      send(finish);
    } catch (error) {
      finish({ code: ExportResultCode.FAILED, error: error as Error });
    }
  });
}
