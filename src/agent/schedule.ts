import { TRANSIENT_CODES, type M365Error } from '../errors.ts';
import { MAX_RETRY_AFTER_MS } from '../shared/retry-after.ts';
import { timerDelay } from '../shared/timer-delay.ts';

/** A clock and timers, injectable so that scheduler tests can fake time. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, timerDelay(ms)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A task run again and again by {@link startLoop}. */
export interface Loop {
  /** Clears the next run and aborts the one in flight; resolves once that one has settled. */
  stop(): Promise<void>;
}

/**
 * Runs `run` after `delayMs`, then again each time it calls `again` with a delay, until stopped. Runs never overlap
 * when `again` is called as a run ends: the next is scheduled with `setTimeout` then. `run` gets the loop's signal,
 * aborted by {@link Loop.stop}, and must not reject.
 */
export function startLoop(
  timers: Timers,
  delayMs: number,
  run: (signal: AbortSignal, again: (delayMs: number) => void) => Promise<void>,
): Loop {
  const controller = new AbortController();
  let handle: unknown;
  let running: Promise<void> = Promise.resolve();
  const again = (ms: number) => {
    if (!controller.signal.aborted) handle = timers.setTimeout(tick, ms);
  };
  const tick = () => {
    handle = undefined;
    running = run(controller.signal, again);
  };
  again(delayMs);
  return {
    stop() {
      controller.abort();
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
      return running;
    },
  };
}

/**
 * At most `size` holders at once; the others wait, first come, first served. Hand-written rather than a dependency:
 * a waiter whose signal aborts must leave the queue at once holding nothing (a stopped or removed tenant), and a
 * freed place must go straight to the longest waiter so that no later arrival overtakes it; both are a few lines.
 */
export class Semaphore {
  #free: number;
  /** The waiters in order of arrival: a `Set` keeps that order and lets an aborted one leave in constant time. */
  readonly #waiting = new Set<(release: () => void) => void>();

  constructor(size: number) {
    this.#free = size;
  }

  /**
   * Resolves with the release of a place once one is free and every earlier waiter has had one; with undefined,
   * holding nothing, when `signal` aborts first.
   */
  take(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#release());
    }
    const { promise, resolve } = Promise.withResolvers<(() => void) | undefined>();
    const grant = (release: () => void) => {
      signal.removeEventListener('abort', leave);
      resolve(release);
    };
    const leave = () => {
      this.#waiting.delete(grant);
      resolve(undefined);
    };
    this.#waiting.add(grant);
    signal.addEventListener('abort', leave, { once: true });
    return promise;
  }

  /** Frees a place once, however often it is called: to the longest waiter, or back to the free ones. */
  #release(): () => void {
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const [next] = this.#waiting;
      if (next === undefined) {
        this.#free++;
        return;
      }
      this.#waiting.delete(next);
      next(this.#release());
    };
  }
}

/** Longest pause after repeated configuration errors (wrong secret, unknown tenant): minutes, not seconds. */
export const MAX_CONFIG_ERROR_BACKOFF_MS = 30 * 60_000;
const CONFIG_ERROR_BASE_MS = 60_000;

/**
 * Delay before the first poll of tenant `index` of `count`: starts are spread over a window of one second per
 * tenant, at most one interval, with jitter, so that a thousand tenants do not all start at once.
 */
export function initialDelay(index: number, count: number, intervalMs: number, random: () => number): number {
  const window = Math.min(intervalMs, count * 1000);
  const slot = window / Math.max(1, count);
  return Math.floor(index * slot + random() * slot);
}

/**
 * Delay from now until the next poll. Keeps the cadence of the plan (no drift), waits at least what Graph asked
 * for in `Retry-After` (at most an hour), and backs off exponentially (with jitter) after repeated configuration errors.
 */
export function nextDelay(input: {
  plannedAt: number;
  now: number;
  intervalMs: number;
  error: M365Error | undefined;
  consecutiveFailures: number;
  random: () => number;
}): number {
  const { plannedAt, now, intervalMs, error } = input;
  let delay = Math.max(0, plannedAt + intervalMs - now);
  // Capped again here, whatever the error's source: a wait of years would overflow the timer into a tight loop.
  if (error?.retryAfter !== undefined) delay = Math.max(delay, Math.min(error.retryAfter * 1000, MAX_RETRY_AFTER_MS));
  if (error && !TRANSIENT_CODES.has(error.code) && error.code !== 'ABORTED') {
    const exponent = Math.min(input.consecutiveFailures - 1, 10);
    const backoff = Math.min(MAX_CONFIG_ERROR_BACKOFF_MS, CONFIG_ERROR_BASE_MS * 2 ** exponent);
    delay = Math.max(delay, Math.round(backoff * (0.8 + 0.4 * input.random())));
  }
  return delay;
}
