import type { HrTime } from '@opentelemetry/api';
import { FIXED64, ProtobufWriter } from './protobuf-writer.ts';

/** Tags of a NumberDataPoint's fields, as their one-byte varints. */
const START_TAG = (2 << 3) | FIXED64;
const END_TAG = (3 << 3) | FIXED64;
const DOUBLE_TAG = (4 << 3) | FIXED64;
const INT_TAG = (6 << 3) | FIXED64;

/** Small integer values whose point heads are kept for the collection under way: states, counts, health levels. */
const KEPT_HEADS = 16;

/**
 * What an encoder keeps for writing points: lists reused by every point, the heads of the small integer points of
 * the collection under way, and the time fields of each collection. One per encoder, as the encoder's bytes are.
 */
export class PointScratch {
  /** A point's head and part encodings, valid while it is written. */
  readonly fields: Uint8Array[] = [];
  readonly #intHeads: (Uint8Array | undefined)[] = [];
  /** The time fields that the kept heads hold. */
  #headTimes: Uint8Array | undefined;
  readonly #headWriter = new ProtobufWriter(27);
  readonly #times = new WeakMap<HrTime, { start: HrTime; bytes: Uint8Array }>();

  /**
   * A point's times and value fields (27 bytes). Those of the small integers that most points hold are kept for the
   * collection they were made for; any other is written into a scratch buffer, valid until the next call.
   */
  head(times: Uint8Array, value: number, isInt: boolean): Uint8Array {
    const kept = isInt && Number.isInteger(value) && value >= 0 && value < KEPT_HEADS;
    if (kept) {
      if (this.#headTimes !== times) {
        this.#headTimes = times;
        this.#intHeads.fill(undefined);
      }
      const head = this.#intHeads[value];
      if (head !== undefined) return head;
    }
    const writer = this.#headWriter;
    writer.reset();
    writer.raw(times);
    if (isInt) {
      writer.byte(INT_TAG);
      writer.sfixed64(value);
    } else {
      writer.byte(DOUBLE_TAG);
      writer.double(value);
    }
    if (!kept) return writer.finish();
    return (this.#intHeads[value] = writer.finish().slice());
  }

  /** The start and end time fields of a collection's points (18 bytes), computed once: its points share both. */
  timeFields(start: HrTime, end: HrTime): Uint8Array {
    const cached = this.#times.get(end);
    if (cached !== undefined && cached.start === start) return cached.bytes;
    const bytes = new Uint8Array(18);
    const view = new DataView(bytes.buffer);
    bytes[0] = START_TAG;
    view.setBigUint64(1, nanosOf(start), true);
    bytes[9] = END_TAG;
    view.setBigUint64(10, nanosOf(end), true);
    this.#times.set(end, { start, bytes });
    return bytes;
  }
}

/** Nanoseconds since the epoch, as fixed64 holds them. */
function nanosOf(time: HrTime): bigint {
  return BigInt.asUintN(64, BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]));
}
