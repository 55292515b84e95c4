import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeFileType, findPseudoFilesystem } from './file-kind.ts';

/** The largest config file, or file referenced by `${file:…}`, that is read: 1 MiB. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Opens for reading without waiting: a FIFO that appears between the type check and the open (or a device that
 * would wait for a writer) returns at once and is then refused by the type of the opened descriptor.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** An error with a code, like the ones `node:fs` throws, for limits of our own. */
function codedError(code: string, message: string, fields: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { code, ...fields });
}

function decode(bytes: Uint8Array, path: string): string {
  if (bytes.byteLength > MAX_FILE_BYTES) throw codedError('EFBIG', `${path} is larger than ${MAX_FILE_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw codedError('EILSEQ', `${path} is not valid UTF-8`);
  }
}

/**
 * Refuses what is not stored data, by its type and before reading: a directory (`EISDIR`), a FIFO, socket or device,
 * and a file of `/proc`, `/sys` or another kernel filesystem (`ENOTREG`, with `kind` in words). Reading one of those
 * could wait for ever for a writer, or never end.
 */
function requireRegularFile(stats: Stats, path: string): void {
  if (stats.isDirectory()) throw codedError('EISDIR', `${path} is a directory`);
  if (!stats.isFile()) throw codedError('ENOTREG', `${path} is not a regular file`, { kind: describeFileType(stats) });
  const pseudo = findPseudoFilesystem(path);
  if (pseudo !== undefined)
    throw codedError('ENOTREG', `${path} is a ${pseudo} file`, { kind: `a ${pseudo} pseudo file` });
}

/**
 * Reads a UTF-8 text file of at most {@link MAX_FILE_BYTES}, never more than one byte past the limit (a huge file is
 * not read through). Throws an error with `code` `EFBIG` when larger, `EILSEQ` when not UTF-8, `EISDIR` or `ENOTREG`
 * for what is not a regular file (see {@link requireRegularFile}), or the `node:fs` code.
 */
export async function readTextFileBounded(path: string): Promise<string> {
  requireRegularFile(statSync(path), path);
  const handle = await open(path, OPEN_FLAGS);
  try {
    requireRegularFile(await handle.stat(), path);
    const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.byteLength) {
      const { bytesRead } = await handle.read(buffer, length, buffer.byteLength - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return decode(buffer.subarray(0, length), path);
  } finally {
    await handle.close();
  }
}

/** Synchronous {@link readTextFileBounded}, for `${file:…}` references and `tenants_from` files. */
export function readTextFileBoundedSync(path: string): string {
  return decode(readBytesBoundedSync(path, MAX_FILE_BYTES + 1), path);
}

/**
 * Reads a whole file of at most {@link MAX_FILE_BYTES} as bytes (certificates, PKCS#12 files); throws with `code`
 * `EFBIG` when larger, `EISDIR` or `ENOTREG` when not a regular file, or the `node:fs` code.
 */
export function readFileBoundedSync(path: string): Uint8Array {
  const bytes = readBytesBoundedSync(path, MAX_FILE_BYTES + 1);
  if (bytes.byteLength > MAX_FILE_BYTES) throw codedError('EFBIG', `${path} is larger than ${MAX_FILE_BYTES} bytes`);
  return bytes;
}

function readBytesBoundedSync(path: string, limit: number): Uint8Array {
  requireRegularFile(statSync(path), path);
  const fd = openSync(path, OPEN_FLAGS);
  try {
    requireRegularFile(fstatSync(fd), path);
    const buffer = new Uint8Array(limit);
    let length = 0;
    while (length < buffer.byteLength) {
      const bytesRead = readSync(fd, buffer, length, buffer.byteLength - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
