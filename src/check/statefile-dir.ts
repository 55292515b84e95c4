import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** Where Centreon's plugins keep their state files on a poller. */
export const CENTREON_STATEFILE_DIR = '/var/lib/centreon/centplugins';

export interface StatefileDirInput {
  /** `--statefile-dir` as given, if any. */
  readonly given: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Shared directories tried first, in order (default: Centreon's). */
  readonly shared?: readonly string[];
}

/**
 * The directory of the token cache: `--statefile-dir` when given (relative to the working directory);
 * otherwise Centreon's `/var/lib/centreon/centplugins` when it exists and is writable, as on a poller; otherwise
 * `$XDG_CACHE_HOME/m365-health`, or `~/.cache/m365-health`. Undefined when none applies (no cache then).
 */
export async function resolveStatefileDir(input: StatefileDirInput): Promise<string | undefined> {
  if (input.given !== undefined) return resolve(input.cwd, input.given);
  for (const dir of input.shared ?? [CENTREON_STATEFILE_DIR]) {
    if (await isWritableDir(dir)) return dir;
  }
  const cacheHome = input.env.XDG_CACHE_HOME;
  if (cacheHome !== undefined && isAbsolute(cacheHome)) return join(cacheHome, 'm365-health');
  const home = input.env.HOME;
  if (home !== undefined && isAbsolute(home)) return join(home, '.cache', 'm365-health');
  return undefined;
}

async function isWritableDir(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
