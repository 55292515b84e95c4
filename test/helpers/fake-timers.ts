import type { Timers } from '../../src/agent/schedule.ts';

/** Timers whose clock only moves when told. */
export interface FakeTimers extends Timers {
  /**
   * Moves the clock by `ms`, running the callbacks due by then in time order, each a macrotask apart so that what
   * it starts settles; each runs `late` ms after its time, as on a busy event loop.
   */
  advance(ms: number, late?: number): Promise<void>;
  /** How many callbacks wait. */
  pending(): number;
}

/** Fake timers starting at `start` (ms since the epoch). */
export function fakeTimers(start = 1_000_000): FakeTimers {
  let now = start;
  let queue: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimeout: (run, ms) => {
      const entry = { at: now + ms, run };
      queue.push(entry);
      return entry;
    },
    clearTimeout: (handle) => void (queue = queue.filter((entry) => entry !== handle)),
    pending: () => queue.length,
    async advance(ms, late = 0) {
      const until = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > until) break;
        queue.shift();
        now = next.at + late;
        next.run();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = Math.max(now, until);
    },
  };
}
