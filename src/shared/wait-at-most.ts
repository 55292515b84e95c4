import { timerDelay } from './timer-delay.ts';

/**
 * Waits for `promise` at most `ms`: true when it fulfilled in time, false when the time ran out first (the promise
 * goes on, unawaited); a rejection in time passes through. The timer is cleared either way.
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timerDelay(ms))));
  try {
    return await Promise.race([promise.then(() => true), cut]);
  } finally {
    clearTimeout(timer);
  }
}
