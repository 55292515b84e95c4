import { closeSync, openSync, readSync } from 'node:fs';
import type { SpoolPosition } from './cursor-file.ts';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;

/** One line of a segment as found on disk. */
export interface SpooledLine {
  /** The line without its newline. */
  readonly text: string;
  /** False for a fragment at the end of a segment without its newline (a torn write). */
  readonly complete: boolean;
  /** Where the line starts. */
  readonly at: SpoolPosition;
  /** Bytes the line takes on disk, newline included. */
  readonly bytes: number;
}

/** Bounds of one read. */
export interface ReadLimits {
  readonly maxLines: number;
  /** Bytes read at most, unless a single line is longer (it is then read whole). */
  readonly maxBytes: number;
}

/**
 * Reads the lines of segment `segment` (file `path`) between byte offsets `from` and `to`. A fragment without
 * newline is returned (as incomplete) only when it reaches `to`, the end of the segment; otherwise it is left for
 * the next read. A file shorter than `to` yields what it has.
 */
export function readSegmentLines(
  path: string,
  segment: number,
  from: number,
  to: number,
  limits: ReadLimits,
): SpooledLine[] {
  const fd = openSync(path, 'r');
  try {
    const window = Math.min(to - from, Math.max(limits.maxBytes, 1));
    let buffer = readRange(fd, from, window);
    let atEnd = from + buffer.length >= to || buffer.length < window;
    if (!atEnd && buffer.indexOf(NEWLINE) === -1) {
      buffer = readRange(fd, from, to - from);
      atEnd = true;
    }
    return splitLines(buffer, { segment, offset: from }, atEnd, limits.maxLines);
  } finally {
    closeSync(fd);
  }
}

/** Counts the lines (a trailing fragment included) of file `path` between offsets `from` and `to`. */
export function countSegmentLines(path: string, from: number, to: number): number {
  const fd = openSync(path, 'r');
  try {
    let count = 0;
    let last = NEWLINE;
    for (let offset = from; offset < to;) {
      const chunk = readRange(fd, offset, Math.min(CHUNK_BYTES, to - offset));
      if (chunk.length === 0) break;
      for (const byte of chunk) if (byte === NEWLINE) count++;
      last = chunk[chunk.length - 1]!;
      offset += chunk.length;
    }
    return last === NEWLINE ? count : count + 1;
  } finally {
    closeSync(fd);
  }
}

function splitLines(buffer: Buffer, base: SpoolPosition, atEnd: boolean, maxLines: number): SpooledLine[] {
  const lines: SpooledLine[] = [];
  let start = 0;
  while (lines.length < maxLines && start < buffer.length) {
    const at = { segment: base.segment, offset: base.offset + start };
    const newline = buffer.indexOf(NEWLINE, start);
    if (newline === -1) {
      if (atEnd)
        lines.push({ text: buffer.toString('utf8', start), complete: false, at, bytes: buffer.length - start });
      break;
    }
    lines.push({ text: buffer.toString('utf8', start, newline), complete: true, at, bytes: newline + 1 - start });
    start = newline + 1;
  }
  return lines;
}

function readRange(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}
