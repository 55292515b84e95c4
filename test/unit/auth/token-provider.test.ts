import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEntraTokenProvider } from '../../../src/auth/token-provider.ts';
import { Secret } from '../../../src/shared/secret.ts';

const LOGIN = 'https://login.microsoftonline.com';
const GUID = '11111111-1111-1111-1111-111111111111';
const T0 = Date.parse('2026-03-01T12:00:00Z');

type TokenAnswer = { status: number; body: unknown } | 'timeout';

/** A stand-in identity platform: discovery (never asked), and a token endpoint answering from a script (then tokens). */
function fakeIdentity(script: TokenAnswer[] = []) {
  let issued = 0;
  const calls = { discovery: 0, token: 0 };
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/.well-known/openid-configuration')) {
      calls.discovery++;
      return Response.json({ issuer: `${LOGIN}/${GUID}/v2.0`, token_endpoint: `${LOGIN}/${GUID}/oauth2/v2.0/token` });
    }
    calls.token++;
    const answer = script.shift() ?? {
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3599, access_token: `token-${++issued}` },
    };
    if (answer === 'timeout') throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const form = typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? init.body : undefined;
    assert.equal(new URLSearchParams(form).get('scope'), 'https://graph.microsoft.com/.default');
    return Response.json(answer.body, { status: answer.status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const entraError = (status: number, error: string, code: number) => ({
  status,
  body: { error, error_description: `AADSTS${code}: …`, error_codes: [code] },
});

function provider(
  fetch: typeof globalThis.fetch,
  clock: { now: number },
  sleeps: number[] = [],
  { timeoutMs = 30_000, random = 0.5 } = {},
) {
  return createEntraTokenProvider({
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '22222222-2222-2222-2222-222222222222',
    credential: { kind: 'secret', secret: new Secret('s3cret') },
    endpoints: { login: LOGIN, graph: 'https://graph.microsoft.com' },
    fetch,
    clock: () => clock.now,
    timeoutMs,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => random,
  });
}

describe('token lifecycle', () => {
  test('one request for many concurrent callers; the token is kept until 5 minutes before it expires', async () => {
    const identity = fakeIdentity();
    const clock = { now: T0 };
    const tokens = provider(identity.fetch, clock);
    const got = await Promise.all(Array.from({ length: 5 }, () => tokens.getToken()));
    assert.deepEqual(new Set(got.map((t) => t.value)), new Set(['token-1']));
    assert.deepEqual(identity.calls, { discovery: 0, token: 1 });
    assert.equal(tokens.expiresAt, T0 + 3_599_000);
    clock.now = T0 + 3_599_000 - 5 * 60_000 - 1;
    assert.equal((await tokens.getToken()).value, 'token-1');
    clock.now += 2;
    assert.equal((await tokens.getToken()).value, 'token-2', 'renewed ahead of expiry');
    assert.deepEqual(identity.calls, { discovery: 0, token: 2 });
  });

  test('invalidate() (Graph said 401) drops the token', async () => {
    const identity = fakeIdentity();
    const tokens = provider(identity.fetch, { now: T0 });
    await tokens.getToken();
    tokens.invalidate();
    assert.equal(tokens.expiresAt, undefined);
    assert.equal((await tokens.getToken()).value, 'token-2');
  });

  test('5xx, temporarily_unavailable and timeouts are retried with jittered backoff', async () => {
    const identity = fakeIdentity([{ status: 503, body: {} }, entraError(400, 'temporarily_unavailable', 50196)]);
    const sleeps: number[] = [];
    assert.equal((await provider(identity.fetch, { now: T0 }, sleeps).getToken()).value, 'token-1');
    assert.deepEqual(sleeps, [500, 1000]);
    const slow = fakeIdentity(['timeout']);
    assert.equal((await provider(slow.fetch, { now: T0 }).getToken()).value, 'token-1');
    assert.equal(slow.calls.token, 2);
  });

  test('a transient failure that persists: a cached token that is still valid is handed out', async () => {
    const outage: TokenAnswer[] = [];
    const identity = fakeIdentity(outage);
    const clock = { now: T0 };
    const tokens = provider(identity.fetch, clock);
    await tokens.getToken();
    clock.now = T0 + 3_599_000 - 60_000;
    outage.push({ status: 503, body: {} }, { status: 503, body: {} }, { status: 503, body: {} });
    assert.equal((await tokens.getToken()).value, 'token-1', 'still valid for a minute');
    clock.now = T0 + 3_599_000 - 10_000;
    outage.push({ status: 503, body: {} }, { status: 503, body: {} }, { status: 503, body: {} });
    await assert.rejects(tokens.getToken(), {
      code: 'AUTH_UNAVAILABLE',
      message: 'identity platform answered HTTP 503 without an OAuth error',
      status: 503,
    });
  });

  test('a configuration error is not retried, and says what to fix', async () => {
    const identity = fakeIdentity([entraError(401, 'invalid_client', 7000222)]);
    const sleeps: number[] = [];
    await assert.rejects(provider(identity.fetch, { now: T0 }, sleeps).getToken(), {
      code: 'AUTH_SECRET_EXPIRED',
      message:
        'the client secret has expired: create a new one in the app registration (invalid_client, AADSTS7000222)',
    });
    assert.deepEqual([identity.calls.token, sleeps], [1, []]);
  });
});

describe('retries of one renewal', () => {
  const down = { status: 503, body: {} };

  test('back off 0.5x to 1.5x of 500 ms doubled, for at most three attempts', async () => {
    const identity = fakeIdentity([down, down, down]);
    const sleeps: number[] = [];
    await assert.rejects(provider(identity.fetch, { now: T0 }, sleeps, { random: 0 }).getToken(), {
      code: 'AUTH_UNAVAILABLE',
    });
    assert.deepEqual([identity.calls.token, sleeps], [3, [250, 500]]);
  });

  test('stop at the timeout, and at once for errors that are not transient', async () => {
    const late = fakeIdentity([down, down, down]);
    const sleeps: number[] = [];
    await assert.rejects(provider(late.fetch, { now: T0 }, sleeps, { timeoutMs: 300, random: 0 }).getToken(), {
      code: 'AUTH_UNAVAILABLE',
    });
    assert.deepEqual([late.calls.token, sleeps], [2, [250]]);
    const config = fakeIdentity([entraError(400, 'unauthorized_client', 700016)]);
    const none: number[] = [];
    await assert.rejects(provider(config.fetch, { now: T0 }, none, { random: 0 }).getToken(), {
      code: 'AUTH_APP_NOT_FOUND',
    });
    assert.deepEqual([config.calls.token, none], [1, []]);
  });
});
