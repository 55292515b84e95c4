/**
 * One frozen copy of each value met, by a key made of its fields (a string by itself): a service that is fine looks
 * the same in ten thousand tenants, and so do the versions and texts of an issue they all see. Kept state shares
 * these copies instead of holding one each. Bounded: past `limit` entries it starts over, which costs only new copies.
 */
export class Interner<T> {
  readonly #values = new Map<string, T>();
  readonly #limit: number;

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** The shared copy for `key`, made (and frozen) by `make` the first time. */
  intern(key: string, make: () => T): T {
    let value = this.#values.get(key);
    if (value === undefined) {
      if (this.#values.size >= this.#limit) this.#values.clear();
      value = Object.freeze(make());
      this.#values.set(key, value);
    }
    return value;
  }
}

/**
 * The copies of what tenants remember that they share: one of each value, by `keyOf`, and one of each whole record
 * of such values (most tenants' services all look the same, and the tenants that see Microsoft's global issues see
 * the same versions of them). One instance per agent: its tenants share their copies, two agents share nothing.
 */
export class SharedRecords<T> {
  readonly #values = new Interner<T>();
  readonly #records = new Interner<Record<string, T>>(2_000);
  readonly #keyOf: (value: T) => string;

  constructor(keyOf: (value: T) => string) {
    this.#keyOf = keyOf;
  }

  /** The copy shared by every value with the key of `value`, made by `make` the first time. */
  share(value: T, make: () => T = () => value): T {
    return this.#values.intern(this.#keyOf(value), make);
  }

  /**
   * The record to remember: `previous` itself when `fresh` holds the same entries, else the copy of `fresh` shared
   * with every tenant whose record is the same (its values being shared copies too). Memory kept between polls lives
   * in V8's old generation: replacing it at every poll of every tenant made garbage that only full collections of a
   * large heap reclaim.
   */
  keep(previous: Readonly<Record<string, T>> | undefined, fresh: Record<string, T>): Record<string, T> {
    if (previous !== undefined && sameEntries(previous, fresh)) return previous;
    let key = '';
    for (const name in fresh) key += `${name}\u0001${this.#keyOf(fresh[name])}\u0002`;
    return this.#records.intern(key, () => fresh);
  }
}

/** Whether both records hold the same entries, the same values (the same objects) under the same names. */
export function sameEntries<T>(previous: Readonly<Record<string, T>>, fresh: Readonly<Record<string, T>>): boolean {
  let count = 0;
  for (const key in previous) {
    if (fresh[key] !== previous[key]) return false;
    count++;
  }
  for (const _ in fresh) count--;
  return count === 0;
}
