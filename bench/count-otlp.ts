/**
 * Counts what an OTLP/protobuf export carries by walking the wire format, without decoding it into objects:
 * a bench receiver must stay cheap even for exports of millions of data points.
 */

/** Data points per metric name in one `ExportMetricsServiceRequest`. */
export function countMetricPoints(bytes: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>();
  forEachField(bytes, 0, bytes.length, 1, (rs, re) =>
    forEachField(bytes, rs, re, 2, (ss, se) =>
      forEachField(bytes, ss, se, 2, (ms, me) => countMetric(bytes, ms, me, counts)),
    ),
  );
  return counts;
}

/** Log records in one `ExportLogsServiceRequest`. */
export function countLogRecords(bytes: Uint8Array): number {
  let count = 0;
  forEachField(bytes, 0, bytes.length, 1, (rs, re) =>
    forEachField(bytes, rs, re, 2, (ss, se) => forEachField(bytes, ss, se, 2, () => void count++)),
  );
  return count;
}

const GAUGE = 5;
const SUM = 7;

function countMetric(bytes: Uint8Array, start: number, end: number, counts: Map<string, number>): void {
  let name = '';
  let points = 0;
  walk(bytes, start, end, (field, s, e) => {
    if (field === 1) name = new TextDecoder().decode(bytes.subarray(s, e));
    else if (field === GAUGE || field === SUM) forEachField(bytes, s, e, 1, () => void points++);
  });
  counts.set(name, (counts.get(name) ?? 0) + points);
}

/** Calls `visit` with the bounds of every length-delimited field numbered `wanted` in `[start, end)`. */
function forEachField(
  bytes: Uint8Array,
  start: number,
  end: number,
  wanted: number,
  visit: (s: number, e: number) => void,
): void {
  walk(bytes, start, end, (field, s, e) => {
    if (field === wanted) visit(s, e);
  });
}

/** Walks one message's fields; length-delimited ones are handed to `visit`, the others skipped. */
function walk(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (field: number, s: number, e: number) => void,
): void {
  let at = start;
  while (at < end) {
    const [key, afterKey] = readVarint(bytes, at);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    at = afterKey;
    if (wireType === 0) at = readVarint(bytes, at)[1];
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(bytes, at);
      visit(field, afterLength, afterLength + length);
      at = afterLength + length;
    } else throw new Error(`unsupported protobuf wire type ${wireType} at ${at}`);
  }
}

function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error('truncated protobuf varint');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}
