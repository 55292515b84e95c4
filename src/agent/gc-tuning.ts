import { setFlagsFromString } from 'node:v8';

/**
 * When V8 starts marking the old generation for a full collection, and how far it lets the heap grow past what a
 * collection found live. By default marking starts as soon as the room left below the heap's limit is smaller than
 * the young generation's capacity (64 MB here). An agent holding thousands of tenants keeps a large old generation
 * that changes slowly, so V8 sets that limit close above what is live, the room stays that small, and marking starts
 * again soon after each collection ends: at 10,000 tenants the whole ~120 MB heap was marked every second or so, more
 * than the rest of the agent's work beyond its HTTP calls. With the two triggers marking starts once 70 % of the room
 * is used (at once past 90 %). The limit itself is set 20 % above what is live instead of V8's own factor (up to 4×
 * for a heap that is quick to collect): once the Graph answers' buffers are freed as they are read
 * (`releaseChunks`), full collections come when the heap reaches that limit, and a larger one only holds more
 * garbage between them (`bench/results.md`). V8 reads these flags at each decision, so they can be set after
 * start-up, which is all that `npx` and the npm bin allow: they start `node` without a say in its command line.
 */
export const GC_FLAGS: readonly string[] = [
  '--incremental-marking-soft-trigger=70',
  '--incremental-marking-hard-trigger=90',
  '--heap-growing-percent=20',
];

/**
 * Sets {@link GC_FLAGS} in this process, except those it was started with (`node --incremental-marking-soft-trigger=50
 * bin/m365-health.js run` keeps 50). Returns the flags set.
 */
export function tuneGarbageCollection(
  execArgv: readonly string[] = process.execArgv,
  set: (flag: string) => void = setFlagsFromString,
): string[] {
  const given = new Set(execArgv.map(flagName));
  const applied = GC_FLAGS.filter((flag) => !given.has(flagName(flag)));
  for (const flag of applied) set(flag);
  return applied;
}

/** `--a_b=1` and `--a-b` name the same V8 flag. */
export function flagName(arg: string): string {
  return arg.split('=', 1)[0].replaceAll('_', '-');
}
