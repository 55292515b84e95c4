import type { Interner } from './interner.ts';

/** Whether both records hold the same entries, the same objects under the same names. */
function sameEntries<T>(previous: Readonly<Record<string, T>>, fresh: Readonly<Record<string, T>>): boolean {
  let count = 0;
  for (const key in previous) {
    if (fresh[key] !== previous[key]) return false;
    count++;
  }
  for (const _ in fresh) count--;
  return count === 0;
}

/**
 * The record to remember: `previous` itself when `fresh` holds the same entries, else the copy of `fresh` shared
 * with every tenant whose record is the same (its values being shared copies too): the tenants whose services all
 * look the same, or who see the same issues in the same versions, keep one record between them. Memory kept
 * between polls lives in V8's old generation: replacing it at every poll of every tenant made garbage that only
 * full collections of a large heap reclaim.
 */
export function keepOrShareRecord<T>(
  previous: Readonly<Record<string, T>> | undefined,
  fresh: Record<string, T>,
  interner: Interner<Record<string, T>>,
  keyOf: (value: T) => string,
): Record<string, T> {
  if (previous !== undefined && sameEntries(previous, fresh)) return previous;
  let key = '';
  for (const name in fresh) key += `${name}\u0001${keyOf(fresh[name])}\u0002`;
  return interner.intern(key, () => fresh);
}
