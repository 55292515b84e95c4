/** Data older than this many intervals is stale: gauges report unknown rather than old values. */
export const STALE_AFTER_INTERVALS = 3;

/** Whether data last read at `lastSuccessAt` (never, when undefined) is too old to be trusted at `now`. */
export function isDataStale(lastSuccessAt: number | undefined, intervalMs: number, now: number): boolean {
  if (lastSuccessAt === undefined) return true;
  return now - lastSuccessAt > STALE_AFTER_INTERVALS * intervalMs;
}
