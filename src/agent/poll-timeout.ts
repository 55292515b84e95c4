import { timerDelay } from '../shared/timer-delay.ts';

/** A poll's time limit: a signal that aborts with a `TimeoutError`, and the way to cancel it when the poll is over. */
export interface PollTimeout {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * Like `AbortSignal.timeout(ms)`, but cleared when the poll ends: `AbortSignal.timeout` fires anyway, building a
 * `DOMException` and aborting the poll's finished requests a timeout later, for every poll of every tenant.
 */
export function startPollTimeout(ms: number): PollTimeout {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timerDelay(ms),
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
