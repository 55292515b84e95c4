import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Log, LogFields } from '../log.ts';
import { countPoints } from './otlp/metric-batches.ts';
import { EncodedRequest } from './otlp/metrics-encoder.ts';
import type { ExportAnswer, PartialSuccess, ProtobufMetricExporter } from './otlp/protobuf-metric-exporter.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import { timerDelay } from '../shared/timer-delay.ts';
import { probeHttpStatus, type HttpStatusProbe, type ObservedResponse } from './http-status-probe.ts';

/** Where a stream of exports goes: a signal and the collector's URL for it. */
export interface ExportTarget {
  readonly signal: 'metrics' | 'logs';
  readonly url: string;
}

/** A target that was not delivered everything: why (the last failure), or that exports were still in flight. */
export interface UndeliveredExport extends ExportTarget {
  readonly reason: string;
  /** The collector's HTTP status, when it answered. */
  readonly status?: number;
}

/** What a failed export says, for the log and for the next delay. */
export interface ExportFailure {
  readonly fields: LogFields;
  /** How long the collector asked to wait (`Retry-After`), if it did. */
  readonly retryAfterMs?: number;
}

/** An export begun by {@link ExportWatch.begin}: end it with its result. */
export interface ExportAttempt {
  /** What a failed result says (with the status the exporter may have left out); undefined for a success. */
  describe(result: ExportResult): ExportFailure | undefined;
  end(result: ExportAnswer, fields?: LogFields): void;
  /** Ends the attempt without a verdict: its caller deals with the failure itself (the events' 413). */
  forget(): void;
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
  /** Partial successes since the last one logged, and the points they rejected. */
  partial: { answers: number; rejected: number; loggedAt?: number };
}

const TOO_LARGE = 413;

/**
 * Watches the results of the OTLP exports (metrics, and the events the outbox sends), which the OpenTelemetry SDK
 * would only tell its diag logger. Logs the first failure of an outage, a reminder per
 * `repeatMs` (or sooner when the collector's status changes, a 413 above all: the collector refuses the request's
 * size, and only its limit or the agent's batch can change that) and the recovery; logs the collector's partial
 * successes (points it rejected, which are not sent again) the same way, first then once per `repeatMs`; and
 * remembers the last failure of each target, so that `run` can say what its last flush did not deliver.
 */
export class ExportWatch {
  readonly #log: Log;
  readonly #clock: () => number;
  readonly #repeatMs: number;
  readonly #targets = new Map<string, TargetState>();

  constructor(options: { log: Log; clock: () => number; repeatMs: number }) {
    this.#log = options.log;
    this.#clock = options.clock;
    this.#repeatMs = options.repeatMs;
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
        : describeExportFailure(result, state.probe.lastSince(mark), this.#clock());
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
        if (result.code === ExportResultCode.SUCCESS) this.#succeeded(state);
        if (result.partialSuccess) return this.#partlyAccepted(state, result.partialSuccess, fields);
        const failure = describe(result);
        if (failure) this.#failed(state, failure.fields, fields);
      },
      forget: () => void finish(),
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
        partial: { answers: 0, rejected: 0 },
      };
      this.#targets.set(key, state);
    }
    return state;
  }

  #succeeded(state: TargetState): void {
    if (state.failingSince === undefined) return;
    const outageS = Math.round((this.#clock() - state.failingSince) / 1000);
    this.#log.info(`${state.target.signal} export recovered`, {
      url: state.target.url,
      attempts: state.attempts,
      outageS,
    });
    state.failingSince = undefined;
    state.attempts = 0;
  }

  /** Logs the first partial success, then at most one per `repeatMs`, with what was rejected since the last line. */
  #partlyAccepted(state: TargetState, answer: PartialSuccess, extra: LogFields): void {
    const now = this.#clock();
    const partial = state.partial;
    partial.answers++;
    partial.rejected += answer.rejected;
    if (partial.loggedAt !== undefined && now - partial.loggedAt < this.#repeatMs) return;
    const { signal, url } = state.target;
    const counts = partial.answers === 1 ? {} : { answers: partial.answers };
    const fields = { url, rejected: partial.rejected, message: answer.message, ...extra, ...counts };
    if (partial.rejected > 0) this.#log.warn(`collector rejected part of a ${signal} export (partial success)`, fields);
    else this.#log.warn(`collector took a ${signal} export with a warning (partial success)`, fields);
    state.partial = { answers: 0, rejected: 0, loggedAt: now };
  }

  #failed(state: TargetState, failure: LogFields, extra: LogFields): void {
    const now = this.#clock();
    const status = typeof failure['status'] === 'number' ? failure['status'] : undefined;
    const { signal, url } = state.target;
    state.lastFailure = { signal, url, reason: String(failure['reason']), ...(status === undefined ? {} : { status }) };
    state.attempts++;
    const first = state.failingSince === undefined;
    state.failingSince ??= now;
    if (!first && status === state.lastLoggedStatus && now - state.lastLoggedAt < this.#repeatMs) return;
    state.lastLoggedAt = now;
    state.lastLoggedStatus = status;
    const fields = { url, ...failure, ...extra, ...(first ? {} : { attempts: state.attempts }) };
    if (status === TOO_LARGE)
      this.#log.error(`collector refused a ${signal} export as too large (413): raise its request size limit`, fields);
    else this.#log.warn(first ? `${signal} export failed` : `${signal} export still failing`, fields);
  }
}

const MAX_BODY_CHARS = 200;

/**
 * Describes a failed export: the exporter's error message, the collector's HTTP status (from the error, or from
 * `observed` when the exporter left it out, as it does for retryable statuses), the network error code, and the
 * start of the collector's answer.
 */
function describeExportFailure(
  result: ExportResult,
  observed: ObservedResponse | undefined,
  now: number,
): ExportFailure {
  const error: (Error & { code?: unknown; data?: unknown }) | undefined = result.error;
  const status = typeof error?.code === 'number' ? error.code : observed?.status;
  const fields: Record<string, string | number | undefined> = {
    reason: error?.message || 'export failed',
    status,
    error: typeof error?.code === 'string' ? error.code : undefined,
    body: typeof error?.data === 'string' && error.data !== '' ? error.data.slice(0, MAX_BODY_CHARS) : undefined,
    retryAfter: observed?.retryAfter,
  };
  const retryAfterMs = parseRetryAfter(observed?.retryAfter, now);
  return retryAfterMs === undefined ? { fields } : { fields, retryAfterMs };
}

/** The one line `run` prints for a target that was not delivered. */
export function formatUndelivered(undelivered: UndeliveredExport): string {
  const status = undelivered.status === undefined ? '' : ` (HTTP ${undelivered.status})`;
  return `${undelivered.signal} not delivered to ${undelivered.url}: ${undelivered.reason}${status}`;
}

/** Reports every export of `exporter` (pre-encoded requests too, for the protobuf one) to `watch`. */
export function watchMetricExporter<T extends PushMetricExporter>(
  exporter: T,
  watch: ExportWatch,
  target: ExportTarget,
): T {
  const send: ProtobufMetricExporter['export'] = exporter.export.bind(exporter);
  exporter.export = (request: ResourceMetrics | EncodedRequest, done) => {
    const attempt = watch.begin(target);
    send(request, (result) => {
      const fields =
        request instanceof EncodedRequest
          ? { points: request.points, bytes: request.bytes.length }
          : { points: countPoints(request) };
      attempt.end(result, fields);
      done(result);
    });
  };
  return exporter;
}

/**
 * The result `send` gives to its callback, or a failure after `timeoutMs` without one: an exporter's own timeout is
 * a socket idle timeout, so a collector (or proxy) that trickles its answer would otherwise hold every later export
 * for ever. The request itself is left to finish or fail on its own. A throw is a failure too.
 */
export function exportWithin(send: (done: (result: ExportResult) => void) => void, timeoutMs: number) {
  return new Promise<ExportResult>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ code: ExportResultCode.FAILED, error: new Error(`export did not finish within ${timeoutMs} ms`) });
    }, timerDelay(timeoutMs));
    const finish = (result: ExportResult) => {
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
