import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint } from '@opentelemetry/sdk-metrics';

/**
 * The attributes of a series as the union of shared, frozen parts with disjoint keys (the tenant's, the service's,
 * the state's), in order: a tenant's hundreds of series share a handful of parts, so the parts' encodings can be
 * kept and copied (see `metrics-encoder.ts`) where encoding every point's attributes anew dominated the export.
 */
export type AttributeParts = readonly Readonly<Attributes>[];

/**
 * A gauge point whose attributes are {@link AttributeParts}. `attributes` is the flat union, built on demand for the
 * readers that want it (the JSON exporter, the demo's view, tests); the protobuf encoder reads `parts`.
 */
export class PartsDataPoint implements DataPoint<number> {
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly value: number;
  readonly parts: AttributeParts;

  constructor(startTime: HrTime, endTime: HrTime, value: number, parts: AttributeParts) {
    this.startTime = startTime;
    this.endTime = endTime;
    this.value = value;
    this.parts = parts;
  }

  get attributes(): Attributes {
    return Object.assign({}, ...this.parts) as Attributes;
  }
}

/**
 * One frozen copy of each attribute part met, by a key made of its values, so that equal parts are one object
 * (service and state parts repeat in every tenant). Bounded: past `limit` parts it starts over, which costs only
 * re-encodings.
 */
export class PartInterner {
  readonly #parts = new Map<string, Readonly<Attributes>>();
  readonly #limit: number;

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** The shared part `{ [k1]: v1 }`, or `{ [k1]: v1, [k2]: v2 }` (string values). */
  get(k1: string, v1: string, k2?: string, v2?: string): Readonly<Attributes> {
    const key = k2 === undefined ? `${k1}\u0000${v1}` : `${k1}\u0000${v1}\u0000${k2}\u0000${v2}`;
    let part = this.#parts.get(key);
    if (part === undefined) {
      if (this.#parts.size >= this.#limit) this.#parts.clear();
      part = Object.freeze(k2 === undefined ? { [k1]: v1 } : { [k1]: v1, [k2]: v2! });
      this.#parts.set(key, part);
    }
    return part;
  }
}
