import { constants } from 'node:fs';
import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeReadError, describeFileType, findPseudoFilesystem } from '../config/files.ts';
import { M365Error } from '../errors.ts';

/**
 * Makes sure `dir` is a directory on real storage that this process can write, creating it (mode 0700) if needed,
 * before anything is kept there. Throws an {@link M365Error} `STATE_DIR_UNUSABLE` whose message is one sentence.
 * The filesystem is judged before `mkdir`: a recursive `mkdir` under `/proc/sys` never returns.
 */
export async function prepareStateDir(dir: string): Promise<void> {
  const existing = await nearestExisting(dir);
  const pseudo = findPseudoFilesystem(existing);
  if (pseudo !== undefined) fail(dir, `it is on ${pseudo}, a kernel pseudo filesystem; choose a directory on a volume`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EEXIST') fail(dir, `it cannot be created: ${describeReadError(error)}`);
  }
  const stats = await stat(dir);
  if (!stats.isDirectory()) fail(dir, `it is ${describeFileType(stats)}, not a directory`);
  await probeWrite(dir);
}

/** `path` itself or its nearest ancestor that exists. */
async function nearestExisting(path: string): Promise<string> {
  for (let at = path; ; at = dirname(at)) {
    try {
      await stat(at);
      return at;
    } catch {
      if (dirname(at) === at) return at;
    }
  }
}

/** Writes and removes a file: write permission alone does not tell a read-only mount or a full disk. */
async function probeWrite(dir: string): Promise<void> {
  const probe = join(dir, `.m365-health-probe-${process.pid}`);
  try {
    const flag = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
    await writeFile(probe, 'probe\n', { flag, mode: 0o600, flush: true });
    await unlink(probe);
  } catch (error) {
    fail(dir, `it cannot be written: ${describeWriteError(error)}`);
  }
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

function describeWriteError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? WRITE_ERRORS[code] : undefined) ?? describeReadError(error);
}

function fail(dir: string, reason: string): never {
  throw new M365Error('STATE_DIR_UNUSABLE', `state.dir ${JSON.stringify(dir)} cannot be used: ${reason}`);
}
