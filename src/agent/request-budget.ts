/** A limit of `limit` requests in any window of `windowMs`. */
export interface RateWindow {
  windowMs: number;
  limit: number;
}

/**
 * Graph allows 240 requests per minute and 800 per hour per app per tenant for everything under
 * `/admin/serviceAnnouncement/`; retries count. The agent keeps a margin below both, so a short poll interval,
 * paging and retries never get a tenant throttled.
 */
export const GRAPH_SERVICE_HEALTH_WINDOWS: readonly RateWindow[] = Object.freeze([
  { windowMs: 60_000, limit: 200 },
  { windowMs: 3_600_000, limit: 720 },
]);

/**
 * Counts the requests made for one app in one tenant and tells how long to wait before the next poll so that
 * every window stays within its limit. Timestamps are kept only as long as the longest window.
 */
export class RequestBudget {
  readonly #windows: readonly RateWindow[];
  readonly #times: number[] = [];

  constructor(windows: readonly RateWindow[] = GRAPH_SERVICE_HEALTH_WINDOWS) {
    this.#windows = windows;
  }

  /** Records one request made at `now`. */
  record(now: number): void {
    this.#times.push(now);
    const horizon = now - Math.max(...this.#windows.map((w) => w.windowMs));
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop] <= horizon) drop++;
    if (drop > 0) this.#times.splice(0, drop);
  }

  /** Milliseconds to wait from `now` until `needed` more requests fit in every window (0 when they fit now). */
  waitMs(now: number, needed = 1): number {
    let wait = 0;
    for (const window of this.#windows) {
      const inWindow = this.#times.filter((t) => t > now - window.windowMs);
      const excess = inWindow.length + needed - window.limit;
      if (excess <= 0) continue;
      const freedAt = inWindow[Math.min(excess, inWindow.length) - 1] + window.windowMs;
      wait = Math.max(wait, freedAt - now);
    }
    return wait;
  }
}
