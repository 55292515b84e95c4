import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Mode of every file in the spool: owner read/write only. */
export const FILE_MODE = 0o600;
/** Mode of the spool directory: owner only. */
export const DIR_MODE = 0o700;

const SEGMENT_PATTERN = /^(\d{12})\.jsonl$/;

/** The file name of segment `id`: twelve digits, so that names sort as numbers do. */
export function segmentFileName(id: number): string {
  return `${String(id).padStart(12, '0')}.jsonl`;
}

/** The id of a segment file, or undefined for any other name. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Creates the spool directory (mode 0700) if needed and tightens an existing one to 0700.
 * Returns false when the mode could not be changed (a directory owned by someone else), so that the caller warns.
 */
export function ensureSpoolDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  try {
    chmodSync(dir, DIR_MODE);
    return true;
  } catch {
    return false;
  }
}

/** Flushes a directory's entries (file creations, renames, deletions) to disk. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `data` at the current position of `fd`, looping over short writes. Returns the bytes written. */
export function writeFully(fd: number, data: Buffer, onProgress: (written: number) => void = () => {}): number {
  let written = 0;
  while (written < data.length) {
    written += writeSync(fd, data, written, data.length - written);
    onProgress(written);
  }
  return written;
}

/** Replaces `dir/name` atomically with `content`: temporary file (0600), fsync, rename, fsync of the directory. */
export function writeFileAtomicSync(dir: string, name: string, content: string): void {
  const target = join(dir, name);
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', FILE_MODE);
  try {
    writeFully(fd, Buffer.from(content));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, target);
  syncDirectory(dir);
}
