/**
 * Hands out one copy of each string it is given: Microsoft's incidents being global, thousands of tenants keep the
 * same issue ids, dates and titles between polls, which `JSON.parse` copies for each of them. Past `limit` distinct strings it starts over, so that a
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
