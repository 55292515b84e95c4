import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, rmSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { AccessToken, TokenProvider } from '../auth/token-provider.ts';
import type { Endpoints } from '../config/types.ts';
import type { Secret } from '../shared/secret.ts';

/** What a cache file is for: one file per tenant, client and pair of endpoints. */
export type TokenCacheIdentity = Readonly<{ tenantId: string; clientId: string; endpoints: Endpoints }>;

export interface TokenFileCacheOptions {
  /** The provider that really asks the identity platform. */
  readonly inner: TokenProvider;
  /** Directory of the cache files; created (mode 0700) when missing. */
  readonly dir: string;
  readonly identity: TokenCacheIdentity;
  /** The client secret, only ever stored as a salted SHA-256. */
  readonly secret: Secret;
  readonly clock: () => number;
  /** Told why the cache could not be read or written; the run goes on without it. */
  readonly onProblem?: (message: string) => void;
}

/** The JSON kept in a cache file. */
interface CacheFile {
  version: 1;
  accessToken: string;
  expiresAt: number;
  secretSalt: string;
  secretSha256: string;
}

/** A cached token is reused only while it has at least this long to live. */
const MIN_REMAINING_MS = 60_000;

/** The cache file's name for an identity: a hash, so that no tenant or client text reaches the file system. */
export function tokenCacheFileName(identity: TokenCacheIdentity): string {
  const { tenantId, clientId, endpoints } = identity;
  const key = JSON.stringify([tenantId, clientId, endpoints.login, endpoints.graph]);
  return `m365-health-token-${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
}

function hashSecret(salt: string, secret: Secret): string {
  return createHash('sha256').update(`${salt}\0${secret.reveal()}`).digest('hex');
}

/**
 * Keeps the access token in a file between runs, for a check started once per interval. The file (mode 0600)
 * holds the token, its expiry and a salted SHA-256 of the secret, never the secret: a token obtained with
 * another secret is not reused. `invalidate()` (Graph said 401) deletes the file and the copy in memory.
 */
export function createTokenFileCache(options: TokenFileCacheOptions): TokenProvider {
  const path = join(options.dir, tokenCacheFileName(options.identity));
  const problem = (message: string): void => options.onProblem?.(message);
  let memory: AccessToken | undefined;
  let fileTrusted = true;

  const fresh = (token: AccessToken | undefined): token is AccessToken =>
    token !== undefined && token.expiresAt - options.clock() >= MIN_REMAINING_MS;

  async function obtain(signal?: AbortSignal): Promise<AccessToken> {
    const cached = fileTrusted ? await readCacheFile(path, options.secret, problem) : undefined;
    if (fresh(cached)) return cached;
    const token = await options.inner.getToken(signal);
    await writeCacheFile(options.dir, path, token, options.secret).catch((error: unknown) => {
      problem(`cannot write the token cache ${path}: ${error instanceof Error ? error.message : String(error)}`);
    });
    fileTrusted = true;
    return token;
  }

  return {
    get expiresAt() {
      return memory?.expiresAt;
    },
    async getToken(signal) {
      if (fresh(memory)) return memory;
      memory = await obtain(signal);
      return memory;
    },
    invalidate() {
      memory = undefined;
      fileTrusted = false;
      try {
        rmSync(path, { force: true });
      } catch (error) {
        problem(`cannot delete the token cache ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      options.inner.invalidate();
    },
  };
}

async function readCacheFile(
  path: string,
  secret: Secret,
  problem: (message: string) => void,
): Promise<AccessToken | undefined> {
  let file: Partial<CacheFile> | null;
  try {
    if (((await stat(path)).mode & 0o077) !== 0) {
      problem(`ignoring the token cache ${path}: readable by other users`);
      return undefined;
    }
    file = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheFile> | null;
  } catch {
    return undefined;
  }
  if (
    file?.version !== 1 ||
    typeof file.accessToken !== 'string' ||
    typeof file.expiresAt !== 'number' ||
    typeof file.secretSalt !== 'string' ||
    typeof file.secretSha256 !== 'string'
  ) {
    return undefined;
  }
  const expected = Buffer.from(hashSecret(file.secretSalt, secret), 'hex');
  const stored = Buffer.from(file.secretSha256, 'hex');
  // Obtained with another secret: not used, and left for the run that has that secret until a new token replaces it.
  if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) return undefined;
  return { value: file.accessToken, expiresAt: file.expiresAt };
}

async function writeCacheFile(dir: string, path: string, token: AccessToken, secret: Secret): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const secretSalt = randomBytes(16).toString('hex');
  const file: CacheFile = {
    version: 1,
    accessToken: token.value,
    expiresAt: token.expiresAt,
    secretSalt,
    secretSha256: hashSecret(secretSalt, secret),
  };
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** Where Centreon's plugins keep their state files on a poller. */
const CENTREON_STATEFILE_DIR = '/var/lib/centreon/centplugins';

interface StatefileDirInput {
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
    const writable = await access(dir, constants.W_OK | constants.X_OK).then(
      () => true,
      () => false,
    );
    if (writable) return dir;
  }
  const cacheHome = input.env.XDG_CACHE_HOME;
  if (cacheHome !== undefined && isAbsolute(cacheHome)) return join(cacheHome, 'm365-health');
  const home = input.env.HOME;
  if (home !== undefined && isAbsolute(home)) return join(home, '.cache', 'm365-health');
  return undefined;
}
