import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { Interner } from '../health/interner.ts';

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
    return flattenParts(this.parts);
  }
}

/** The attributes that parts stand for, as one new object. */
export function flattenParts(parts: AttributeParts): Attributes {
  return Object.assign({}, ...parts) as Attributes;
}

/** One frozen copy of each attribute part met: service and state parts repeat in every tenant. */
export class PartInterner {
  readonly #parts = new Interner<Readonly<Attributes>>();

  /** The shared part `{ [k1]: v1 }`, or `{ [k1]: v1, [k2]: v2 }` (string values). */
  get(k1: string, v1: string, k2?: string, v2?: string): Readonly<Attributes> {
    const key = k2 === undefined ? `${k1}\u0000${v1}` : `${k1}\u0000${v1}\u0000${k2}\u0000${v2}`;
    return this.#parts.intern(key, () => (k2 === undefined ? { [k1]: v1 } : { [k1]: v1, [k2]: v2! }));
  }
}
