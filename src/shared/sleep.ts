import { setTimeout as delay } from 'node:timers/promises';
import { timerDelay } from './timer-delay.ts';

/** Waits `ms` (clamped to what a timer can hold: never a 1 ms overflow), or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(timerDelay(ms), undefined, { signal });
}
