import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from './spool-files.ts';

/** File holding the spool's read position: everything before it was accepted by the collector (or dropped). */
export const CURSOR_FILE = 'cursor.json';

/** A byte position in the spool: a segment and an offset within it. */
export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

/** The cursor as read at start: absent (fresh spool), valid, or unreadable with the reason. */
export type CursorReadResult =
  { state: 'absent' } | { state: 'valid'; position: SpoolPosition } | { state: 'corrupt'; reason: string };

/** Orders two positions: negative when `a` comes first, 0 when equal. */
export function comparePositions(a: SpoolPosition, b: SpoolPosition): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset;
}

/** Reads the cursor file of `dir`; never throws. */
export function readCursor(dir: string): CursorReadResult {
  let text: string;
  try {
    text = readFileSync(join(dir, CURSOR_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'corrupt', reason: (error as Error).message };
  }
  try {
    const raw = JSON.parse(text) as { segment?: unknown; offset?: unknown };
    if (isCount(raw.segment) && isCount(raw.offset))
      return { state: 'valid', position: { segment: raw.segment, offset: raw.offset } };
  } catch {
    // falls through to the report below
  }
  return { state: 'corrupt', reason: 'not a {segment, offset} object' };
}

/** Writes the cursor atomically (temporary file, fsync, rename). */
export function writeCursor(dir: string, position: SpoolPosition): void {
  writeFileAtomicSync(dir, CURSOR_FILE, `${JSON.stringify({ segment: position.segment, offset: position.offset })}\n`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
