/**
 * Hands out one copy of each string it is given: thousands of tenants report the same service names, statuses and
 * (Microsoft's incidents being global) the same issue ids and dates, which `JSON.parse` copies for every tenant at
 * every poll, and which the agent keeps between polls. Past `limit` distinct strings it starts over, so that a
 * long-running agent does not keep every title it ever saw.
 */
export class StringPool {
  readonly #strings = new Map<string, string>();
  readonly #limit: number;

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** The pooled copy of `text`. */
  intern(text: string): string {
    const pooled = this.#strings.get(text);
    if (pooled !== undefined) return pooled;
    if (this.#strings.size >= this.#limit) this.#strings.clear();
    this.#strings.set(text, text);
    return text;
  }
}
