import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import { M365Error } from '../../../src/errors.ts';
import { fetchServiceHealth, readServiceHealth, type GraphClientOptions } from '../../../src/graph/graph-client.ts';

const GRAPH = 'https://graph.example.test';
const FIRST = `${GRAPH}/v1.0/admin/serviceAnnouncement/healthOverviews?$expand=issues`;

type Reply = { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> };

function fakeGraph(replies: Reply[]) {
  const seen: Array<{ url: string; authorization: string | null }> = [];
  let invalidated = 0;
  let tokenNumber = 0;
  let now = 1_000_000;
  const tokens: TokenProvider = {
    expiresAt: undefined,
    getToken: async () => ({ value: `token-${tokenNumber}`, expiresAt: now + 3_600_000 }),
    invalidate: () => {
      invalidated++;
      tokenNumber++;
    },
  };
  const options: GraphClientOptions = {
    graphUrl: GRAPH,
    tokens,
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    get: async (url, init) => {
      seen.push({ url, authorization: init.headers['authorization'] ?? null });
      const reply = replies.shift();
      if (!reply) throw new Error('no more replies');
      const text = reply.raw ?? JSON.stringify(reply.body);
      return new Response(text, {
        status: reply.status ?? 200,
        headers: { 'content-type': 'application/json', ...reply.headers },
      });
    },
  };
  return { options, seen, invalidated: () => invalidated, now: () => now };
}

const page = (services: unknown[], nextLink?: string) => ({
  value: services,
  ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
});
const exchange = {
  id: 'Exchange',
  service: 'Exchange Online',
  status: 'ServiceDegradation',
  issues: [
    {
      id: 'EX1',
      classification: 'Incident',
      status: 'serviceDegradation',
      isResolved: false,
      title: 'Mail delayed',
      unknownField: 1,
    },
    {
      id: 'EX2',
      title: 'nulls read as missing',
      feature: null,
      featureGroup: null,
      endDateTime: null,
      highImpact: null,
      posts: null,
    },
  ],
};
const request = (deadlineOffset = 30_000) => ({
  deadline: 1_000_000 + deadlineOffset,
  signal: new AbortController().signal,
});

describe('fetchServiceHealth', () => {
  test('decodes services and issues, case-insensitively, ignoring unknown fields', async () => {
    const graph = fakeGraph([
      { body: page([exchange, { id: 'Teams', service: 'Microsoft Teams', status: 'brandNew' }]) },
    ]);
    const snapshot = await fetchServiceHealth(graph.options, request());
    assert.equal(graph.seen[0]?.url, FIRST);
    assert.equal(graph.seen[0]?.authorization, 'Bearer token-0');
    assert.deepEqual(
      snapshot.services.map((s) => [s.id, s.status, s.issues.length]),
      [
        ['Exchange', 'serviceDegradation', 2],
        ['Teams', 'other', 0],
      ],
    );
    assert.equal(snapshot.services[0]?.issues[0]?.classification, 'incident');
  });

  test('follows @odata.nextLink to the end', async () => {
    const graph = fakeGraph([
      { body: page([exchange], `${GRAPH}/v1.0/next?page=2`) },
      { body: page([{ id: 'B', service: 'B', status: 'serviceOperational' }], `${GRAPH}/v1.0/next?page=3`) },
      { body: page([{ id: 'C', service: 'C', status: 'serviceOperational' }]) },
    ]);
    const snapshot = await fetchServiceHealth(graph.options, request());
    assert.deepEqual(
      snapshot.services.map((s) => s.id),
      ['Exchange', 'B', 'C'],
    );
    assert.equal(graph.seen.length, 3);
  });

  test('refuses a nextLink to another host and never sends the token there', async () => {
    const graph = fakeGraph([{ body: page([exchange], 'https://evil.example.test/steal') }]);
    await assert.rejects(
      fetchServiceHealth(graph.options, request()),
      (error: M365Error) => error.code === 'GRAPH_FOREIGN_LINK',
    );
    assert.equal(graph.seen.length, 1);
  });

  test('stops an endless nextLink chain', async () => {
    const replies = Array.from({ length: 5 }, (_, i) => ({ body: page([], `${GRAPH}/v1.0/next?page=${i + 2}`) }));
    const graph = fakeGraph(replies);
    await assert.rejects(
      fetchServiceHealth({ ...graph.options, maxPages: 3 }, request()),
      (error: M365Error) => error.code === 'GRAPH_TOO_MANY_PAGES',
    );
    const loop = fakeGraph([{ body: page([], FIRST) }]);
    await assert.rejects(fetchServiceHealth(loop.options, request()), /repeats a page/);
  });

  test('honours a fractional Retry-After on 429, then succeeds', async () => {
    const graph = fakeGraph([
      {
        status: 429,
        body: { error: { code: 'TooManyRequests', message: 'slow down' } },
        headers: { 'retry-after': '2.128' },
      },
      { body: page([exchange]) },
    ]);
    const snapshot = await fetchServiceHealth(graph.options, request());
    assert.equal(snapshot.services.length, 1);
    assert.equal(graph.now(), 1_002_128);
  });

  test('gives up when Retry-After reaches past the deadline, saying so', async () => {
    const graph = fakeGraph([{ status: 429, body: {}, headers: { 'retry-after': '60' } }]);
    await assert.rejects(fetchServiceHealth(graph.options, request(10_000)), (error: M365Error) => {
      assert.equal(error.code, 'GRAPH_THROTTLED');
      assert.match(error.message, /still throttled \(HTTP 429\) at the deadline/);
      assert.equal(error.retryAfter, 60);
      return true;
    });
  });

  test('a deadline that cuts the retry after a 503 reports the 503, not a bare timeout', async () => {
    const poll = new AbortController();
    const graph = fakeGraph([{ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'down' } } }]);
    const get = graph.options.get;
    const options: GraphClientOptions = {
      ...graph.options,
      // The retry is in flight when the poll's deadline aborts it, as on a machine too busy to keep the plan.
      get: (url, init) => {
        if (graph.seen.length === 0) return get(url, init);
        const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
        poll.abort(timeout);
        return Promise.reject(timeout);
      },
    };
    await assert.rejects(
      fetchServiceHealth(options, { deadline: 1_000_000 + 30_000, signal: poll.signal }),
      (error: M365Error) => {
        assert.equal(error.code, 'GRAPH_ERROR');
        assert.match(error.message, /^still failing \(HTTP 503\) at the deadline: the poll timed out while retrying/);
        assert.equal(error.status, 503);
        return true;
      },
    );
  });

  test('on 401 fetches one fresh token and retries once', async () => {
    const graph = fakeGraph([{ status: 401, body: {} }, { body: page([exchange]) }]);
    await fetchServiceHealth(graph.options, request());
    assert.equal(graph.invalidated(), 1);
    assert.deepEqual(
      graph.seen.map((s) => s.authorization),
      ['Bearer token-0', 'Bearer token-1'],
    );
    const twice = fakeGraph([
      { status: 401, body: {} },
      { status: 401, body: {} },
    ]);
    await assert.rejects(
      fetchServiceHealth(twice.options, request()),
      (error: M365Error) => error.code === 'GRAPH_UNAUTHORIZED',
    );
  });

  test('a 403 says which permission to grant', async () => {
    const graph = fakeGraph([{ status: 403, body: { error: { code: 'Forbidden', message: 'Missing role' } } }]);
    await assert.rejects(fetchServiceHealth(graph.options, request()), (error: M365Error) => {
      assert.equal(error.code, 'GRAPH_FORBIDDEN');
      assert.match(
        error.message,
        /^Forbidden: Missing role \(HTTP 403\): grant the application permission ServiceHealth\.Read\.All/,
      );
      return true;
    });
  });

  test('an HTML or truncated body is a decode error naming status and content type', async () => {
    const html = fakeGraph([{ raw: '<html>gateway</html>', headers: { 'content-type': 'text/html' } }]);
    await assert.rejects(fetchServiceHealth(html.options, request()), (error: M365Error) => {
      assert.equal(error.code, 'GRAPH_BAD_RESPONSE');
      assert.match(error.message, /^Cannot decode json response: .* \(HTTP 200, text\/html\)$/);
      return true;
    });
    const truncated = fakeGraph([{ raw: '{"value":[{"id":"Exch' }]);
    await assert.rejects(fetchServiceHealth(truncated.options, request()), /Cannot decode json response/);
    const wrongShape = fakeGraph([{ body: { value: 'nope' } }]);
    await assert.rejects(fetchServiceHealth(wrongShape.options, request()), /without a "value" array/);
  });
});

describe('readServiceHealth', () => {
  test('a one-page answer comes with a digest; the same bytes again are told without parsing, others are parsed', async () => {
    const teams = { id: 'Teams', service: 'Microsoft Teams', status: 'serviceOperational' };
    const graph = fakeGraph([
      { body: page([exchange]) },
      { body: page([exchange]) },
      { body: page([exchange, teams]) },
    ]);
    const first = await readServiceHealth(graph.options, request(), undefined);
    assert.ok(!first.same && first.digest !== undefined);
    assert.deepEqual(await readServiceHealth(graph.options, request(), first.digest), {
      same: true,
      fetchedAt: 1_000_000,
    });
    const third = await readServiceHealth(graph.options, request(), first.digest);
    assert.ok(!third.same);
    assert.deepEqual(
      third.snapshot.services.map((s) => s.id),
      ['Exchange', 'Teams'],
    );
    assert.notEqual(third.digest, first.digest);
  });

  test('an answer of several pages has no digest: its first page alone does not say the rest is the same', async () => {
    const pages = () => [
      { body: page([exchange], `${GRAPH}/v1.0/next?page=2`) },
      { body: page([{ id: 'B', service: 'B', status: 'serviceOperational' }]) },
    ];
    const graph = fakeGraph([...pages(), ...pages()]);
    const first = await readServiceHealth(graph.options, request(), undefined);
    assert.ok(!first.same);
    assert.equal(first.digest, undefined);
    const second = await readServiceHealth(graph.options, request(), first.digest);
    assert.ok(!second.same);
    assert.equal(graph.seen.length, 4);
  });

  test('gives the body chunks of every page back to the HTTP client once read: the same answer, a new one, and each page of several', async () => {
    const released: string[] = [];
    const graph = fakeGraph([
      { body: page([exchange]) },
      { body: page([exchange]) },
      { body: page([exchange], `${GRAPH}/v1.0/next`) },
      { body: page([]) },
    ]);
    const get = graph.options.get;
    const options: GraphClientOptions = {
      ...graph.options,
      get: async (url, init) => {
        const answer = await get(url, init);
        return {
          status: answer.status,
          ok: answer.ok,
          headers: answer.headers,
          body: answer.body,
          release: (chunks) => released.push(new TextDecoder().decode(Buffer.concat(chunks))),
        };
      },
    };
    const first = await readServiceHealth(options, request(), undefined);
    assert.ok(!first.same);
    assert.ok((await readServiceHealth(options, request(), first.digest)).same);
    await readServiceHealth(options, request(), first.digest);
    assert.deepEqual(
      released.map((text) => JSON.parse(text) as unknown),
      [page([exchange]), page([exchange]), page([exchange], `${GRAPH}/v1.0/next`), page([])],
    );
  });

  test('a body that is not JSON is still refused, digest or not', async () => {
    const graph = fakeGraph([{ raw: '<html>gateway</html>' }]);
    await assert.rejects(readServiceHealth(graph.options, request(), 'some digest'), /Cannot decode json response/);
  });
});
