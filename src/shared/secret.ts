import { inspect } from 'node:util';
import { REDACTED } from './scrub-text.ts';

/**
 * A credential that never prints itself: `String()`, `JSON.stringify()` and `util.inspect()` all show
 * `[redacted]`. Only {@link Secret.reveal} gives the value, at the point where it is sent.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The secret value, for the one place that sends it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
