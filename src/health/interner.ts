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
