import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** The largest config file, or file referenced by `${file:…}`, that is read: 1 MiB. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** An error with a code, like the ones `node:fs` throws, for limits of our own. */
function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
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
 * Reads a UTF-8 text file of at most {@link MAX_FILE_BYTES}, never more than one byte past the limit (a device or a
 * huge file is not read through). Throws an error with `code` `EFBIG` when larger, `EILSEQ` when not UTF-8, or the
 * `node:fs` code.
 */
export async function readTextFileBounded(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
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

/** Synchronous {@link readTextFileBounded}, for `${file:…}` references. */
export function readTextFileBoundedSync(path: string): string {
  return decode(readBytesBoundedSync(path, MAX_FILE_BYTES + 1), path);
}

/**
 * Reads a whole file of at most {@link MAX_FILE_BYTES} as bytes (certificates, PKCS#12 files); throws with `code`
 * `EFBIG` when larger, or the `node:fs` code.
 */
export function readFileBoundedSync(path: string): Uint8Array {
  const bytes = readBytesBoundedSync(path, MAX_FILE_BYTES + 1);
  if (bytes.byteLength > MAX_FILE_BYTES) throw codedError('EFBIG', `${path} is larger than ${MAX_FILE_BYTES} bytes`);
  return bytes;
}

function readBytesBoundedSync(path: string, limit: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
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
