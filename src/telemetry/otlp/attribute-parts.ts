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
