import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { M365Error } from '../errors.ts';

/** Largest federated token file read: a projected service-account token is about 1 KB. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/**
 * Reads a federated token file: a regular file (a device such as `/dev/zero` or a FIFO is refused before any
 * read, and opening never blocks on a FIFO) of at most {@link MAX_TOKEN_FILE_BYTES}, never reading more than one
 * byte past that. Throws `CONFIG_INVALID` naming the file and what is wrong.
 */
export async function readTokenFile(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    if (!(await handle.stat()).isFile())
      throw new M365Error('CONFIG_INVALID', `the federated token file ${path} is not a regular file: refused`);
    const buffer = new Uint8Array(MAX_TOKEN_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.byteLength) {
      const { bytesRead } = await handle.read(buffer, length, buffer.byteLength - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_TOKEN_FILE_BYTES) {
      throw new M365Error(
        'CONFIG_INVALID',
        `the federated token file ${path} is larger than ${MAX_TOKEN_FILE_BYTES} bytes: not a token, refused`,
      );
    }
    return new TextDecoder().decode(buffer.subarray(0, length));
  } catch (error) {
    throw error instanceof M365Error ? error : unreadable(path, error);
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, error: unknown): M365Error {
  const code = (error as { code?: unknown }).code;
  return new M365Error(
    'CONFIG_INVALID',
    `cannot read the federated token file ${path}: ${typeof code === 'string' ? code : 'read failed'}`,
    { cause: error },
  );
}
