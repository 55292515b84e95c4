import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import {
  createTokenFileCache,
  resolveStatefileDir,
  tokenCacheFileName,
  type TokenCacheIdentity,
} from '../../../src/check/token-file-cache.ts';
import { Secret } from '../../../src/shared/secret.ts';

const IDENTITY: TokenCacheIdentity = {
  tenantId: 't',
  clientId: 'c',
  endpoints: { login: 'http://login', graph: 'http://graph' },
};
const HOUR = 3_600_000;

function fakeProvider(now: () => number) {
  let issued = 0;
  let invalidated = 0;
  const provider: TokenProvider = {
    expiresAt: undefined,
    getToken: async () => ({ value: `token-${++issued}`, expiresAt: now() + HOUR }),
    invalidate: () => void invalidated++,
  };
  return { provider, issued: () => issued, invalidated: () => invalidated };
}

describe('createTokenFileCache', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'm365-token-cache-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function setup(name: string, secret = 'the-secret', now = () => 1_000_000) {
    const dir = join(root, name, 'nested');
    const inner = fakeProvider(now);
    const cache = createTokenFileCache({
      inner: inner.provider,
      dir,
      identity: IDENTITY,
      secret: new Secret(secret),
      clock: now,
    });
    return { dir, inner, cache, path: join(dir, tokenCacheFileName(IDENTITY)) };
  }

  test('creates the directory (0700) and a 0600 file holding the token, never the secret', async () => {
    const { dir, cache, path, inner } = setup('create');
    assert.equal((await cache.getToken()).value, 'token-1');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.ok(text.includes('token-1'));
    assert.ok(!text.includes('the-secret'));
    assert.deepEqual(Object.keys(JSON.parse(text) as object).sort(), [
      'accessToken',
      'expiresAt',
      'secretSalt',
      'secretSha256',
      'version',
    ]);
    assert.equal(inner.issued(), 1);
    assert.deepEqual(await readdir(dir), [tokenCacheFileName(IDENTITY)], 'no temporary file left behind');
  });

  test('a second run reuses the file without asking the identity platform', async () => {
    const first = setup('reuse');
    await first.cache.getToken();
    const second = setup('reuse');
    assert.equal((await second.cache.getToken()).value, 'token-1');
    assert.equal(second.inner.issued(), 0);
  });

  test('a changed secret drops the cached token', async () => {
    await setup('secret', 'old-secret').cache.getToken();
    const second = setup('secret', 'new-secret');
    assert.equal((await second.cache.getToken()).value, 'token-1');
    assert.equal(second.inner.issued(), 1);
    const third = setup('secret', 'new-secret');
    await third.cache.getToken();
    assert.equal(third.inner.issued(), 0, 'the new token was stored');
  });

  test('a token about to expire is renewed', async () => {
    let now = 1_000_000;
    await setup('expiry', 'the-secret', () => now).cache.getToken();
    now += HOUR - 30_000;
    const later = setup('expiry', 'the-secret', () => now);
    await later.cache.getToken();
    assert.equal(later.inner.issued(), 1);
  });

  test('invalidate() deletes the file and the memory copy, and invalidates the inner provider', async () => {
    const { cache, path, inner } = setup('invalidate');
    await cache.getToken();
    cache.invalidate();
    await assert.rejects(stat(path), { code: 'ENOENT' });
    assert.equal(inner.invalidated(), 1);
    assert.equal(cache.expiresAt, undefined);
    assert.equal((await cache.getToken()).value, 'token-2');
    assert.ok((await readFile(path, 'utf8')).includes('token-2'));
  });

  test('a file readable by others is ignored and replaced', async () => {
    const first = setup('loose');
    await first.cache.getToken();
    await chmod(first.path, 0o644);
    const second = setup('loose');
    await second.cache.getToken();
    assert.equal(second.inner.issued(), 1);
    assert.equal((await stat(second.path)).mode & 0o777, 0o600);
  });

  test('an unwritable directory does not fail the run', async () => {
    const problems: string[] = [];
    const inner = fakeProvider(() => 0);
    const blocker = join(root, 'a-file');
    await writeFile(blocker, '');
    const cache = createTokenFileCache({
      inner: inner.provider,
      dir: join(blocker, 'sub'),
      identity: IDENTITY,
      secret: new Secret('s'),
      clock: () => 0,
      onProblem: (m) => problems.push(m),
    });
    assert.equal((await cache.getToken()).value, 'token-1');
    assert.equal(problems.length, 1);
  });

  test('file names differ per tenant, client and endpoint', () => {
    const names = new Set([
      tokenCacheFileName(IDENTITY),
      tokenCacheFileName({ ...IDENTITY, tenantId: 'u' }),
      tokenCacheFileName({ ...IDENTITY, clientId: 'd' }),
      tokenCacheFileName({ ...IDENTITY, endpoints: { ...IDENTITY.endpoints, graph: 'http://other' } }),
    ]);
    assert.equal(names.size, 4);
    assert.match(tokenCacheFileName(IDENTITY), /^m365-health-token-[0-9a-f]{32}\.json$/);
  });
});

describe('resolveStatefileDir', () => {
  test('--statefile-dir wins, relative to the working directory', async () => {
    assert.equal(await resolveStatefileDir({ given: 'state', env: {}, cwd: '/srv/m365' }), '/srv/m365/state');
  });

  test("Centreon's shared directory when writable, else the user's cache", async () => {
    const writable = tmpdir();
    assert.equal(await resolveStatefileDir({ given: undefined, env: {}, cwd: '/', shared: [writable] }), writable);
    const env = { XDG_CACHE_HOME: '/xdg', HOME: '/home/u' };
    assert.equal(
      await resolveStatefileDir({ given: undefined, env, cwd: '/', shared: ['/nonexistent/dir'] }),
      '/xdg/m365-health',
    );
    assert.equal(
      await resolveStatefileDir({ given: undefined, env: { HOME: '/home/u' }, cwd: '/', shared: [] }),
      '/home/u/.cache/m365-health',
    );
    assert.equal(
      await resolveStatefileDir({ given: undefined, env: { XDG_CACHE_HOME: 'relative' }, cwd: '/', shared: [] }),
      undefined,
    );
  });
});
