/** Wire types of protobuf fields. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;

const TWO_32 = 4294967296;

/**
 * Longest byte string copied with a loop rather than `set()`, whose call costs more than a loop over a few bytes. The
 * attribute encodings copied for every point are longer (20–70 bytes), and `set()` copied them faster.
 */
const SHORT_COPY = 16;

/** Copies `bytes` into `buffer` at `pos` (room already ensured); returns the position after them. */
function copyBytes(buffer: Uint8Array, bytes: Uint8Array, pos: number): number {
  const length = bytes.length;
  if (length > SHORT_COPY) buffer.set(bytes, pos);
  else for (let i = 0; i < length; i++) buffer[pos + i] = bytes[i]!;
  return pos + length;
}

/** Bytes of the varint encoding of a non-negative integer below 2^53. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * A growable protobuf encoder. Length-delimited messages are written with {@link begin} and {@link end}: one byte
 * is reserved for the length and the content moved when the length needs more.
 */
export class ProtobufWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #encoder = new TextEncoder();
  pos = 0;

  constructor(initialSize = 64 * 1024) {
    this.#buffer = new Uint8Array(initialSize);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.pos);
  }

  /** Starts over, keeping the buffer grown so far. */
  reset(): void {
    this.pos = 0;
  }

  ensure(size: number): void {
    if (this.pos + size <= this.#buffer.length) return;
    let length = this.#buffer.length * 2;
    while (length < this.pos + size) length *= 2;
    const grown = new Uint8Array(length);
    grown.set(this.#buffer.subarray(0, this.pos));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** A varint; negative numbers as 64-bit two's complement (ten bytes), like protobuf's int64. */
  varint(value: number): void {
    this.ensure(10);
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 127) {
        this.#buffer[this.pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      this.#buffer[this.pos++] = v;
      return;
    }
    let big = BigInt.asUintN(64, BigInt(value));
    while (big > 127n) {
      this.#buffer[this.pos++] = Number(big & 127n) | 128;
      big >>= 7n;
    }
    this.#buffer[this.pos++] = Number(big);
  }

  /** One byte: a tag below field 16, a small varint. */
  byte(value: number): void {
    this.ensure(1);
    this.#buffer[this.pos++] = value;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.#view.setUint32(this.pos, low >>> 0, true);
    this.#view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  /** A signed 64-bit integer from a JS integer, two's complement. */
  sfixed64(value: number): void {
    if (value >= 0) return this.fixed64(value >>> 0, Math.floor(value / TWO_32) >>> 0);
    const big = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    this.fixed64(Number(big & 0xffffffffn), Number(big >> 32n));
  }

  double(value: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Raw bytes, without a length. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.pos = copyBytes(this.#buffer, bytes, this.pos);
  }

  /** The first `count` byte strings of `list` one after the other, without lengths; `total` is their summed size. */
  rawList(list: readonly Uint8Array[], count: number, total: number): void {
    this.ensure(total);
    const buffer = this.#buffer;
    let pos = this.pos;
    for (let k = 0; k < count; k++) pos = copyBytes(buffer, list[k], pos);
    this.pos = pos;
  }

  /** Length-delimited bytes. */
  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** A length-delimited UTF-8 string. */
  string(text: string): void {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 127) return this.bytes(this.#encoder.encode(text));
    }
    this.varint(text.length);
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.#buffer[this.pos++] = text.charCodeAt(i);
  }

  /** Starts a length-delimited message; returns what {@link end} needs. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the message started at `start`, writing its length. */
  end(start: number): void {
    const length = this.pos - start - 1;
    const size = varintSize(length);
    if (size > 1) {
      this.ensure(size - 1);
      this.#buffer.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    const after = this.pos;
    this.pos = start;
    this.varint(length);
    this.pos = after;
  }
}
