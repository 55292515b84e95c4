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
