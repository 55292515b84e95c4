import { TRANSIENT_CODES, toM365Error } from '../errors.ts';

/** How often and how long to retry a request that failed for a passing reason. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 3). */
  readonly attempts?: number;
  /** First pause, ms (default 500); doubled each time, with ±50% jitter. */
  readonly baseDelayMs?: number;
  /** No attempt starts after this instant (by `clock`); undefined: no bound but `attempts`. */
  readonly deadline?: number;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/**
 * Runs `request`, retrying it after timeouts, network errors and answers such as 5xx or `temporarily_unavailable`
 * (the transient {@link TRANSIENT_CODES}) with jittered exponential backoff, within the attempts and the deadline.
 * Any other failure, and the last transient one, is thrown as an `M365Error`.
 */
export async function retryTransient<T>(request: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const attempts = policy.attempts ?? 3;
  const baseDelayMs = policy.baseDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const mapped = toM365Error(error);
      const delay = Math.round(baseDelayMs * 2 ** (attempt - 1) * (0.5 + policy.random()));
      const late = policy.deadline !== undefined && policy.clock() + delay >= policy.deadline;
      if (!TRANSIENT_CODES.has(mapped.code) || attempt >= attempts || late) throw mapped;
      await policy.sleep(delay);
    }
  }
}
