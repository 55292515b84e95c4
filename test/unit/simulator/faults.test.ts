import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { WireGraphError } from '../../../src/graph/wire.ts';
import type { Simulator } from '../../../src/simulator/index.ts';
import {
  CONTOSO,
  FABRIKAM,
  FABRIKAM_APP,
  FABRIKAM_SECRET,
  fetchToken,
  graphGet,
  startFromYaml,
  TWO_TENANTS,
} from './sim-helpers.ts';

describe('simulator faults', () => {
  let sim: Simulator;
  let token: string;
  before(async () => {
    sim = await startFromYaml(TWO_TENANTS);
    token = await fetchToken(sim);
  });
  afterEach(() => sim.clearFaults());
  after(() => sim.close());

  const overviews = () => graphGet(sim, 'healthOverviews', token);

  test('a counted 429 with Retry-After, Graph-shaped, then normal answers', async () => {
    const handle = sim.injectFault({ status: 429, retryAfter: '1.5', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await overviews();
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '1.5');
      assert.equal(((await res.json()) as WireGraphError).error.code, 'TooManyRequests');
    }
    assert.equal(handle.remaining(), 0);
    assert.equal((await overviews()).status, 200);
    assert.deepEqual(
      sim.requests.slice(-3).map((r) => [r.status, r.fault]),
      [
        [429, 'status:429'],
        [429, 'status:429'],
        [200, undefined],
      ],
    );
  });

  test('a 503 on the token endpoint is Entra-shaped, and an HTTP-date Retry-After passes through', async () => {
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    sim.injectFault({ status: 503, retryAfter: date, path: `/${CONTOSO}/oauth2/` });
    const graph = await overviews();
    assert.equal(graph.status, 200, 'the path prefix keeps Graph out');
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    const res = await fetch(`${sim.url}/${CONTOSO}/oauth2/v2.0/token`, { method: 'POST', body });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), date);
    assert.equal(((await res.json()) as { error: string }).error, 'temporarily_unavailable');
  });

  test('faults limited to a tenant spare the others', async () => {
    sim.injectFault({ status: 500, tenant: 'fabrikam', count: Infinity });
    assert.equal((await overviews()).status, 200);
    const fabrikamToken = await fetchToken(sim, FABRIKAM, FABRIKAM_APP, FABRIKAM_SECRET).then(
      () => assert.fail('token request should fail'),
      (e: Error) => e.message,
    );
    assert.match(fabrikamToken, /failed with 500/);
  });

  test('broken bodies: html, truncated, empty, not-json', async () => {
    sim.injectFault({ body: 'html' });
    const html = await overviews();
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await html.text(), /<html>/);
    for (const body of ['truncated', 'empty', 'not-json'] as const) {
      sim.injectFault({ body, status: body === 'empty' ? 502 : 200 });
      const res = await overviews();
      assert.equal(res.status, body === 'empty' ? 502 : 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      await assert.rejects(res.json(), SyntaxError, body);
    }
  });

  test('reset destroys the connection', async () => {
    sim.injectFault({ reset: true });
    await assert.rejects(overviews(), TypeError);
    assert.equal(sim.requests.at(-1)?.status, 0);
  });

  test('hang never answers: the client times out', async () => {
    sim.injectFault({ hang: true });
    const started = Date.now();
    const res = fetch(`${sim.url}/v1.0/admin/serviceAnnouncement/healthOverviews`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(200),
    });
    await assert.rejects(res, { name: 'TimeoutError' });
    assert.ok(Date.now() - started >= 190);
    assert.equal((await overviews()).status, 200);
  });

  test('expireTokens makes current tokens fail with 401 and new ones work', async () => {
    sim.injectFault({ expireTokens: true, path: '/v1.0/' });
    const res = await overviews();
    assert.equal(res.status, 401);
    assert.equal(
      ((await res.json()) as WireGraphError).error.message,
      'Lifetime validation failed, the token is expired.',
    );
    token = await fetchToken(sim);
    assert.equal((await overviews()).status, 200);
  });

  test('unknown fault tenants and bad counts are refused', () => {
    assert.throws(() => sim.injectFault({ status: 500, tenant: 'nowhere' }), { message: "unknown tenant 'nowhere'" });
    assert.throws(() => sim.injectFault({ status: 500, count: 0 }), RangeError);
  });
});

test('close ends hanging requests and resolves', async () => {
  const sim = await startFromYaml(TWO_TENANTS);
  sim.injectFault({ hang: true, count: Infinity });
  const pending = fetch(`${sim.url}/v1.0/admin/serviceAnnouncement/healthOverviews`);
  while (sim.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await sim.close();
  await assert.rejects(pending, TypeError);
  await sim.close();
});
