import {
  chmodSync,
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { comparePositions, readCursor, writeCursor, type SpoolPosition } from './cursor-file.ts';
import { readSegmentLines, countSegmentLines, type SpooledLine } from './segment-reader.ts';
import {
  ensureSpoolDir,
  FILE_MODE,
  parseSegmentFileName,
  segmentFileName,
  syncDirectory,
  writeFully,
} from './spool-files.ts';

export type { SpooledLine } from './segment-reader.ts';

/** Sizes of a {@link SegmentStore}. */
export interface SegmentStoreOptions {
  readonly dir: string;
  /** Bound on the bytes kept (unacknowledged lines); the oldest segments are dropped beyond it. */
  readonly maxBytes: number;
  /** A new segment is started once the current one would grow past this. */
  readonly segmentBytes: number;
}

/** What {@link SegmentStore.open} found on disk. */
export interface SpoolOpenReport {
  /** Why the cursor file was unreadable (everything still on disk is then sent again), if it was. */
  readonly cursorProblem?: string;
  /** False when the directory's mode could not be tightened to 0700. */
  readonly dirModeFixed: boolean;
  /** Bytes left by a previous run, waiting to be sent. */
  readonly pendingBytes: number;
}

/** Lines read from the cursor on, and the position just after the last of them. */
export interface SpoolRead {
  readonly lines: readonly SpooledLine[];
  readonly end: SpoolPosition;
}

interface Segment {
  readonly id: number;
  size: number;
  /** Sealed segments are never appended to again: those of a previous run, full ones, and ones a write failed on. */
  sealed: boolean;
}

/**
 * The spool on disk: numbered JSON-lines segment files and a cursor file. Lines are appended to the newest segment
 * with write(2), so they survive the death of the process as soon as `append` returns; {@link SegmentStore.sync}
 * makes them survive a machine crash. Acknowledged segments are deleted; the cursor keeps the offset within the
 * first one. All operations are synchronous, so they never interleave.
 */
export class SegmentStore {
  readonly #options: SegmentStoreOptions;
  readonly #segments: Segment[];
  #cursor: SpoolPosition;
  #nextId: number;
  #fd: number | undefined;
  #dirty = false;

  private constructor(options: SegmentStoreOptions, segments: Segment[], cursor: SpoolPosition) {
    this.#options = options;
    this.#segments = segments;
    this.#cursor = cursor;
    this.#nextId = Math.max(cursor.segment, ...segments.map((s) => s.id + 1));
  }

  /** Opens (creating if needed) the spool in `options.dir`. Throws on file-system errors. */
  static open(options: SegmentStoreOptions): { store: SegmentStore; report: SpoolOpenReport } {
    const dirModeFixed = ensureSpoolDir(options.dir);
    const ids = listSegments(options.dir);
    const read = readCursor(options.dir);
    let cursor = read.state === 'valid' ? read.position : { segment: ids[0] ?? 1, offset: 0 };
    for (const id of ids.filter((id) => id < cursor.segment)) unlinkSync(join(options.dir, segmentFileName(id)));
    const segments = ids.filter((id) => id >= cursor.segment).map((id) => openOldSegment(options.dir, id));
    const first = segments[0];
    if (!first || first.id !== cursor.segment) cursor = { segment: first?.id ?? cursor.segment, offset: 0 };
    else if (cursor.offset > first.size) cursor = { segment: first.id, offset: first.size };
    const store = new SegmentStore(options, segments, cursor);
    const cursorProblem = read.state === 'corrupt' ? read.reason : undefined;
    return { store, report: { cursorProblem, dirModeFixed, pendingBytes: store.pendingBytes() } };
  }

  /** Bytes appended and not yet acknowledged or dropped. */
  pendingBytes(): number {
    return this.#segments.reduce((sum, s) => sum + s.size, 0) - this.#cursor.offset;
  }

  /** The position just after the last appended line. */
  end(): SpoolPosition {
    const last = this.#segments.at(-1);
    return last ? { segment: last.id, offset: last.size } : this.#cursor;
  }

  /** True once everything before `position` has been acknowledged or dropped. */
  isAcknowledged(position: SpoolPosition): boolean {
    return comparePositions(this.#cursor, position) >= 0;
  }

  /**
   * Appends one line (without its newline). Drops the oldest segments first when the line would not fit within
   * `maxBytes`, and returns how many lines that dropped. Throws on write failure; the line is then not in the spool.
   */
  append(line: string): number {
    const data = Buffer.from(`${line}\n`);
    const dropped = this.#makeRoom(data.length);
    const segment = this.#writableSegment(data.length);
    const start = segment.size;
    try {
      writeFully(this.#fd!, data, (written) => (segment.size = start + written));
    } catch (error) {
      this.#abandonWrite(segment, start);
      throw error;
    }
    this.#dirty = true;
    return dropped;
  }

  /** Flushes appended lines to disk (fdatasync). */
  sync(): void {
    if (!this.#dirty || this.#fd === undefined) return;
    fdatasyncSync(this.#fd);
    this.#dirty = false;
  }

  /** Reads up to `maxLines` lines (about `maxBytes`) from the cursor on, moving past segments already read to their end. */
  read(maxLines: number, maxBytes: number): SpoolRead {
    if (maxLines < 1) return { lines: [], end: this.#cursor };
    this.#skipExhaustedSegments();
    const segment = this.#segments[0];
    if (!segment || this.#cursor.offset >= segment.size) return { lines: [], end: this.#cursor };
    const path = join(this.#options.dir, segmentFileName(segment.id));
    const lines = readSegmentLines(path, segment.id, this.#cursor.offset, segment.size, { maxLines, maxBytes });
    if (lines.length === 0) return this.#skipTruncated(segment, maxLines, maxBytes);
    const last = lines.at(-1);
    const end = last ? { segment: segment.id, offset: last.at.offset + last.bytes } : this.#cursor;
    return { lines, end };
  }

  /** Records that everything before `end` was delivered; deletes segments left wholly behind. Never moves back. */
  acknowledge(end: SpoolPosition): void {
    if (comparePositions(end, this.#cursor) <= 0) return;
    this.#moveCursor(end);
  }

  /** Syncs and closes the open segment. The store must not be used afterwards. */
  close(): void {
    this.sync();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #makeRoom(bytes: number): number {
    let dropped = 0;
    while (this.#segments.length > 0 && this.pendingBytes() + bytes > this.#options.maxBytes) {
      const oldest = this.#segments[0];
      if (!oldest.sealed) this.#seal(oldest);
      const path = join(this.#options.dir, segmentFileName(oldest.id));
      dropped += countSegmentLines(path, this.#cursor.offset, oldest.size);
      this.#moveCursor({ segment: this.#segments[1]?.id ?? this.#nextId, offset: 0 });
    }
    return dropped;
  }

  #writableSegment(bytes: number): Segment {
    const last = this.#segments.at(-1);
    if (last && !last.sealed && (last.size === 0 || last.size + bytes <= this.#options.segmentBytes)) return last;
    if (last && !last.sealed) this.#seal(last);
    const segment: Segment = { id: this.#nextId++, size: 0, sealed: false };
    this.#fd = openSync(join(this.#options.dir, segmentFileName(segment.id)), 'ax', FILE_MODE);
    this.#segments.push(segment);
    syncDirectory(this.#options.dir);
    return segment;
  }

  #seal(segment: Segment): void {
    segment.sealed = true;
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    this.#dirty = false;
    try {
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** After a failed write: cut the partial line off if possible, and never append to that segment again. */
  #abandonWrite(segment: Segment, start: number): void {
    try {
      ftruncateSync(this.#fd!, start);
      segment.size = start;
    } catch {
      // the torn tail stays and is reported as corrupt when read
    }
    try {
      this.#seal(segment);
    } catch {
      // the segment is already unusable; the next append opens a fresh one
    }
  }

  #skipExhaustedSegments(): void {
    for (;;) {
      const [first, next] = this.#segments;
      if (!first || !next || this.#cursor.offset < first.size) return;
      this.#moveCursor({ segment: next.id, offset: 0 });
    }
  }

  /** The file ended before its recorded size (cut short outside this process): what is missing is gone. */
  #skipTruncated(segment: Segment, maxLines: number, maxBytes: number): SpoolRead {
    if (!segment.sealed) this.#seal(segment);
    segment.size = this.#cursor.offset;
    return this.read(maxLines, maxBytes);
  }

  /**
   * Moves the cursor, then persists it, then deletes the segments left behind: a crash in between leaves files
   * that the next open deletes (or, with the old cursor, sends again), never a cursor past undelivered lines.
   */
  #moveCursor(position: SpoolPosition): void {
    this.#cursor = position;
    const gone: Segment[] = [];
    while (this.#segments.length > 0 && this.#segments[0].id < position.segment) gone.push(this.#segments.shift()!);
    for (const segment of gone) if (!segment.sealed) this.#seal(segment);
    writeCursor(this.#options.dir, position);
    for (const segment of gone) removeQuietly(join(this.#options.dir, segmentFileName(segment.id)));
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // left for the next open, which deletes segments behind the cursor
  }
}

function listSegments(dir: string): number[] {
  const ids: number[] = [];
  for (const name of readdirSync(dir)) {
    const id = parseSegmentFileName(name);
    if (id !== undefined) ids.push(id);
    else if (name.endsWith('.tmp')) unlinkSync(join(dir, name));
  }
  return ids.sort((a, b) => a - b);
}

function openOldSegment(dir: string, id: number): Segment {
  const path = join(dir, segmentFileName(id));
  chmodSync(path, FILE_MODE);
  return { id, size: statSync(path).size, sealed: true };
}
