import type { Interner } from './interner.ts';

/**
 * `previous` when `fresh` holds the same entries (the same objects), else `fresh`. Memory kept between polls lives
 * in V8's old generation: replacing it at every poll of every tenant made garbage that only full collections of a
 * large heap reclaim.
 */
export function keepIfSame<T>(previous: Readonly<Record<string, T>>, fresh: Record<string, T>): Record<string, T> {
  let count = 0;
  for (const key in previous) {
    if (fresh[key] !== previous[key]) return fresh;
    count++;
  }
  for (const _ in fresh) count--;
  return count === 0 ? (previous as Record<string, T>) : fresh;
}

/**
 * The shared copy of a record whose values are shared copies: the tenants whose services all look the same, or
 * who see the same issues in the same versions, keep one record between them. Called when a record changed only.
 */
export function internRecord<T>(interner: Interner<Record<string, T>>, record: Record<string, T>, keyOf: (value: T) => string): Record<string, T> {
  let key = '';
  for (const name in record) key += `${name}\u0001${keyOf(record[name]!)}\u0002`;
  return interner.intern(key, () => record);
}
