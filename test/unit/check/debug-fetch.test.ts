import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDebugFetch, redactForm, redactHeaders, redactJson } from '../../../src/check/debug-fetch.ts';
import { scrubText } from '../../../src/shared/scrub-text.ts';

const SECRET = '9/kRTASjPoy9FJfQZg6iznX\\AkzCGertBgNq5r3tPfECJfKxj6zA=';
const TOKEN = 'opaque-access-token-1234567890';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('redaction', () => {
  test('form bodies lose secrets and assertions, keep the rest', () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: SECRET,
      client_assertion: JWT,
    }).toString();
    assert.equal(
      redactForm(body),
      'grant_type=client_credentials&client_id=app&client_secret=[redacted]&client_assertion=[redacted]',
    );
  });

  test('JSON bodies lose tokens at any depth; non-JSON is undefined', () => {
    assert.equal(
      redactJson(`{"token_type":"Bearer","access_token":"${TOKEN}","nested":{"refresh_token":"r"}}`),
      '{"token_type":"Bearer","access_token":"[redacted]","nested":{"refresh_token":"[redacted]"}}',
    );
    assert.equal(redactJson('<html>'), undefined);
  });

  test('authorization keeps its scheme, cookies are hidden', () => {
    const headers = new Headers({ authorization: `Bearer ${TOKEN}`, cookie: 'a=b', accept: 'application/json' });
    assert.deepEqual(redactHeaders(headers), [
      'accept: application/json',
      'authorization: Bearer [redacted]',
      'cookie: [redacted]',
    ]);
  });

  test('scrubText removes known values, their URL encodings and anything shaped like a JWT', () => {
    const encoded = encodeURIComponent(SECRET);
    assert.equal(scrubText(`a ${SECRET} b ${encoded} c ${JWT}`, [SECRET]), 'a [redacted] b [redacted] c [redacted]');
  });
});

describe('createDebugFetch', () => {
  test('prints each exchange with credentials redacted and returns the response untouched', async () => {
    const lines: string[] = [];
    let now = 0;
    const inner: typeof fetch = async (_input, init) => {
      now += 12;
      const isToken = String(init?.method) === 'POST';
      const body = isToken
        ? `{"token_type":"Bearer","expires_in":3599,"access_token":"${TOKEN}"}`
        : `{"value":[],"echo":"${TOKEN}"}`;
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const debugFetch = createDebugFetch({
      fetch: inner,
      write: (line) => lines.push(line),
      secrets: [SECRET],
      clock: () => now,
    });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_secret: SECRET });
    const tokenResponse = await debugFetch('http://login.test/t/oauth2/v2.0/token', {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(((await tokenResponse.json()) as { access_token: string }).access_token, TOKEN);
    await debugFetch('http://graph.test/v1.0/x', { headers: { authorization: `Bearer ${TOKEN}` } });
    const transcript = lines.join('\n');
    assert.ok(!transcript.includes(SECRET) && !transcript.includes(encodeURIComponent(SECRET)), transcript);
    assert.ok(!transcript.includes(TOKEN), transcript);
    assert.deepEqual(
      lines.filter((line) => /^[<>] (POST|GET|HTTP)/.test(line)),
      [
        '> POST http://login.test/t/oauth2/v2.0/token',
        '< HTTP 200 (12 ms)',
        '> GET http://graph.test/v1.0/x',
        '< HTTP 200 (12 ms)',
      ],
    );
    assert.ok(lines.includes('> grant_type=client_credentials&client_secret=[redacted]'));
    assert.ok(lines.includes('> authorization: Bearer [redacted]'));
    assert.ok(lines.includes('< {"value":[],"echo":"[redacted]"}'), 'a token seen earlier is scrubbed anywhere');
  });

  test('reports failures and unreadable or long bodies', async () => {
    const lines: string[] = [];
    const failing = createDebugFetch({
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
      },
      write: (l) => lines.push(l),
      secrets: [],
      clock: () => 0,
    });
    await assert.rejects(failing('http://x.test/'), /fetch failed/);
    assert.ok(lines.includes('< failed after 0 ms: fetch failed: ECONNREFUSED'));
    const long = createDebugFetch({
      fetch: async () =>
        new Response('<html>' + 'x'.repeat(5000) + '</html>', { headers: { 'content-type': 'text/html' } }),
      write: (l) => lines.push(l),
      secrets: [],
      clock: () => 0,
    });
    const response = await long('http://x.test/');
    assert.equal((await response.text()).length, 5013, 'the caller still reads the whole body');
    assert.ok(lines.includes(`< <html>${'x'.repeat(3994)}… (5013 characters)`), 'the first 4,000 characters shown');
  });
});
