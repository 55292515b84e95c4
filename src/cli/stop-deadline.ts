import { waitAtMost } from '../shared/wait-at-most.ts';

/** A deadline counted from the moment a stop was asked for: each step of the stop gets what is left of it. */
export interface StopDeadline {
  /** Milliseconds left, never negative. */
  left(): number;
  /** Waits for `step` at most `capMs` and never past the deadline; true when it finished in time (or rejected). */
  within(step: Promise<unknown>, capMs?: number): Promise<boolean>;
}

/** Starts a deadline `boundMs` from now, on the given monotonic clock. */
export function startStopDeadline(boundMs: number, now: () => number): StopDeadline {
  const end = now() + boundMs;
  const left = () => Math.max(0, end - now());
  return {
    left,
    within(step, capMs = Number.POSITIVE_INFINITY) {
      const settled = step.then(
        () => true,
        () => true,
      );
      return waitAtMost(settled, Math.min(capMs, left()));
    },
  };
}
