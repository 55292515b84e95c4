import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SEED_SECRET, TENANT, startCheckHarness, type CheckHarness } from './check-harness.ts';

const PLANNER = ['--include-service-name=Planner'];
const PLANNER_OK = "OK: Service 'Planner' status is 'serviceOperational'\n";

describe('token cache and --debug against the simulator', () => {
  let harness: CheckHarness;
  before(async () => {
    harness = await startCheckHarness();
  });
  after(async () => {
    await harness.close();
  });

  const tokenRequests = () => harness.requests(`/${TENANT}/oauth2/v2.0/token`).length;

  async function cacheFile(dir: string): Promise<{ path: string; token: string }> {
    const files = await readdir(dir);
    assert.equal(files.length, 1, `one cache file in ${dir}: ${files.join(', ')}`);
    const path = join(dir, files[0]);
    return { path, token: (JSON.parse(await readFile(path, 'utf8')) as { accessToken: string }).accessToken };
  }

  test('the first run creates the directory and a 0600 file without the secret; the second run reuses it', async () => {
    const dir = join(harness.stateDir, 'created', 'here');
    const connection = harness.connection({ stateDir: dir });
    const before = tokenRequests();
    assert.equal((await harness.run([...connection, ...PLANNER], { connection: false })).stdout, PLANNER_OK);
    assert.equal(tokenRequests(), before + 1);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const { path } = await cacheFile(dir);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes(SEED_SECRET) && !text.includes(encodeURIComponent(SEED_SECRET)));
    assert.equal((await harness.run([...connection, ...PLANNER], { connection: false })).stdout, PLANNER_OK);
    assert.equal(tokenRequests(), before + 1, 'no second token request');
  });

  test('another secret does not get the cached token', async () => {
    const dir = join(harness.stateDir, 'secret-change');
    await harness.run([...harness.connection({ stateDir: dir }), ...PLANNER], { connection: false });
    const before = tokenRequests();
    const wrong = await harness.run(
      [...harness.connection({ stateDir: dir, secret: 'rotated-but-wrong' }), ...PLANNER],
      { connection: false },
    );
    assert.match(wrong.stdout, /AADSTS7000215/);
    assert.equal(tokenRequests(), before + 1, 'the identity platform was asked again');
    assert.equal(
      (await harness.run([...harness.connection({ stateDir: dir }), ...PLANNER], { connection: false })).stdout,
      PLANNER_OK,
    );
    assert.equal(tokenRequests(), before + 1, 'the token of the right secret is still cached');
  });

  test('a 401 from Graph drops the cached token, and one fresh token is fetched', async () => {
    const dir = join(harness.stateDir, 'unauthorized');
    const connection = harness.connection({ stateDir: dir });
    await harness.run([...connection, ...PLANNER], { connection: false });
    const old = await cacheFile(dir);
    harness.sim.expireTokens();
    const before = tokenRequests();
    const graphBefore = harness.requests('/v1.0/').length;
    assert.equal((await harness.run([...connection, ...PLANNER], { connection: false })).stdout, PLANNER_OK);
    assert.equal(tokenRequests(), before + 1);
    assert.deepEqual(
      harness
        .requests('/v1.0/')
        .slice(graphBefore)
        .map((r) => r.status),
      [401, 200],
    );
    const renewed = await cacheFile(dir);
    assert.notEqual(renewed.token, old.token);
  });

  test('--debug shows each exchange and never the secret or a bearer token', async () => {
    const dir = join(harness.stateDir, 'debug');
    const first = await harness.run([...harness.connection({ stateDir: dir }), ...PLANNER, '--debug'], {
      connection: false,
    });
    const second = await harness.run([...harness.connection({ stateDir: dir }), ...PLANNER, '--debug'], {
      connection: false,
    });
    const { token } = await cacheFile(dir);
    assert.match(first.stdout, /^OK: Service 'Planner' status is 'serviceOperational'\n/);
    assert.match(
      first.stderr,
      /^> POST http:\/\/127\.0\.0\.1:\d+\/11111111-1111-1111-1111-111111111111\/oauth2\/v2\.0\/token$/m,
    );
    assert.match(first.stderr, /client_secret=\[redacted\]/);
    assert.match(first.stderr, /"access_token":"\[redacted\]"/);
    assert.match(first.stderr, /^> authorization: Bearer \[redacted\]$/m);
    assert.match(first.stderr, /^< HTTP 200 OK \(\d+ ms\)$/m);
    assert.match(second.stderr, /^> GET .*healthOverviews/m);
    const everything = [first.stdout, first.stderr, second.stdout, second.stderr].join('\n');
    for (const forbidden of [
      SEED_SECRET,
      encodeURIComponent(SEED_SECRET),
      new URLSearchParams({ s: SEED_SECRET }).toString().slice(2),
      token,
    ]) {
      assert.ok(!everything.includes(forbidden), `debug output contains ${forbidden.slice(0, 6)}…`);
    }
  });
});
