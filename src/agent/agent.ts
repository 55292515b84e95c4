import type { TenantPoller } from './tenant-poller.ts';
import type { TenantStatus } from './tenant-status.ts';
import { initialDelay, nextDelay } from './schedule.ts';

/** A clock and timers, injectable so that scheduler tests can fake time. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AgentOptions {
  pollers: readonly TenantPoller[];
  timers?: Timers;
  random?: () => number;
}

/**
 * Runs every tenant's poller on its own interval. Polls of one tenant never overlap (each next poll is scheduled
 * with `setTimeout` after the previous one ends); a slow or failing tenant never delays the others.
 */
export class Agent {
  readonly #pollers: readonly TenantPoller[];
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #handles = new Map<TenantPoller, unknown>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #controller: AbortController | undefined;

  constructor(options: AgentOptions) {
    this.#pollers = options.pollers;
    this.#timers = options.timers ?? SYSTEM_TIMERS;
    this.#random = options.random ?? Math.random;
  }

  /** The state of every tenant, for gauges and the status endpoint. */
  statuses(): TenantStatus[] {
    return this.#pollers.map((poller) => poller.status);
  }

  /** Polls every tenant once, at most `concurrency` at a time, outside the schedule (`run --once`). Never rejects. */
  async pollAll(signal: AbortSignal = new AbortController().signal, concurrency = 32): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.#pollers.length && !signal.aborted) await this.#pollers[next++]!.poll(signal);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.#pollers.length) }, worker));
  }

  /** Starts polling: tenants' first polls are spread to avoid a thundering herd. */
  start(): void {
    if (this.#controller) return;
    this.#controller = new AbortController();
    const count = this.#pollers.length;
    this.#pollers.forEach((poller, index) => {
      const delay = initialDelay(index, count, poller.status.tenant.intervalMs, this.#random);
      this.#schedule(poller, delay, this.#timers.now() + delay, 0);
    });
  }

  /** Stops scheduling, aborts polls in flight and waits for them to settle. */
  async stop(): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    this.#controller = undefined;
    controller.abort();
    for (const handle of this.#handles.values()) this.#timers.clearTimeout(handle);
    this.#handles.clear();
    await Promise.allSettled([...this.#inFlight]);
  }

  #schedule(poller: TenantPoller, delay: number, plannedAt: number, failures: number): void {
    const handle = this.#timers.setTimeout(() => void this.#run(poller, plannedAt, failures), delay);
    this.#handles.set(poller, handle);
  }

  async #run(poller: TenantPoller, plannedAt: number, failures: number): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    const polling = poller.poll(controller.signal);
    this.#inFlight.add(polling);
    const result = await polling;
    this.#inFlight.delete(polling);
    if (this.#controller !== controller) return;
    const now = this.#timers.now();
    const consecutive = result.ok ? 0 : failures + 1;
    const error = result.ok ? undefined : result.error;
    const intervalMs = poller.status.tenant.intervalMs;
    const delay = nextDelay({ plannedAt, now, intervalMs, error, consecutiveFailures: consecutive, random: this.#random });
    this.#schedule(poller, delay, now + delay, consecutive);
  }
}
