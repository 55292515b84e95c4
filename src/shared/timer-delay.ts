/**
 * The longest delay Node's timers keep: 2^31-1 ms (about 24.8 days). A longer one, `Infinity` included, is
 * silently made 1 ms, so a huge computed wait would become a tight loop.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A computed delay made safe for `setTimeout` and `AbortSignal.timeout`: at most {@link MAX_TIMER_DELAY_MS}
 * (`Infinity` too), at least 0; `NaN` is 0, as Node reads it. Every computed delay goes through this on its way to
 * a timer.
 */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_DELAY_MS);
}
