import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { EXPIRED_CLIENT, NO_PERMISSION_CLIENT, TENANT, startCheckHarness, type CheckHarness } from './check-harness.ts';

const PLANNER_OK = "OK: Service 'Planner' status is 'serviceOperational'\n";

describe('m365-health check error paths against the simulator', () => {
  let harness: CheckHarness;
  before(async () => {
    harness = await startCheckHarness();
  });
  afterEach(() => {
    harness.sim.clearFaults();
  });
  after(async () => {
    await harness.close();
  });

  const graphStatuses = (since: number) =>
    harness
      .requests('/v1.0/')
      .slice(since)
      .map((r) => r.status);

  test('429 with a fractional Retry-After, then success', async () => {
    const since = harness.requests('/v1.0/').length;
    harness.sim.injectFault({ path: '/v1.0/', status: 429, retryAfter: '0.2', count: 1 });
    const result = await harness.run(['--include-service-name=Planner']);
    assert.equal(result.stdout, PLANNER_OK);
    assert.deepEqual(graphStatuses(since), [429, 200]);
  });

  test('503 with an HTTP-date Retry-After, then success', async () => {
    const since = harness.requests('/v1.0/').length;
    harness.sim.injectFault({
      path: '/v1.0/',
      status: 503,
      retryAfter: new Date(Date.now() + 1000).toUTCString(),
      count: 2,
    });
    const result = await harness.run(['--include-service-name=Planner']);
    assert.equal(result.stdout, PLANNER_OK);
    assert.deepEqual(graphStatuses(since), [503, 503, 200]);
  });

  test('still throttled at the deadline: UNKNOWN that says so, within --timeout', async () => {
    harness.sim.injectFault({ path: '/v1.0/', status: 429, retryAfter: '0.8', count: Infinity });
    const started = Date.now();
    const result = await harness.run(['--timeout=2']);
    assert.equal(
      result.stdout,
      'UNKNOWN: Graph endpoint API still throttled (HTTP 429) at the deadline: Graph asked to wait 0.8 s more (last answer: throttled by Graph (TooManyRequests: Too many requests. Please retry after the time in the Retry-After header. (HTTP 429)))\n',
    );
    assert.equal(result.code, 3);
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  });

  test('an HTML page instead of JSON names the status and content type', async () => {
    harness.sim.injectFault({ path: '/v1.0/', body: 'html', status: 200 });
    const result = await harness.run([]);
    assert.match(result.stdout, /^UNKNOWN: Cannot decode json response: .+ \(HTTP 200, text\/html; charset=utf-8\)\n$/);
    assert.equal(result.code, 3);
  });

  test('a truncated JSON body', async () => {
    harness.sim.injectFault({ path: '/v1.0/', body: 'truncated' });
    const result = await harness.run([]);
    assert.match(
      result.stdout,
      /^UNKNOWN: Cannot decode json response: .+ \(HTTP 200, application\/json; charset=utf-8\)\n$/,
    );
  });

  test('a Graph error shows its code and message; 403 says which permission to grant', async () => {
    harness.sim.injectFault({ path: '/v1.0/', status: 500, count: Infinity });
    const failing = await harness.run(['--timeout=0.5']);
    assert.match(
      failing.stdout,
      /^UNKNOWN: Graph endpoint API returned an error: still failing \(HTTP 500\) at the deadline: /,
    );
    harness.sim.clearFaults();
    const forbidden = await harness.run(
      harness.connection({ client: NO_PERMISSION_CLIENT, secret: 'sim-no-permission' }),
      { connection: false },
    );
    assert.match(
      forbidden.stdout,
      /^UNKNOWN: Graph endpoint API returned an error: Forbidden: .*\(HTTP 403\): grant the application permission ServiceHealth\.Read\.All with admin consent\n$/,
    );
    assert.equal(forbidden.code, 3);
  });

  test('a Graph 503 until the deadline', async () => {
    harness.sim.injectFault({ path: '/v1.0/', status: 503, retryAfter: '5', count: Infinity });
    const result = await harness.run(['--timeout=2']);
    assert.equal(
      result.stdout,
      'UNKNOWN: Graph endpoint API returned an error: still failing (HTTP 503) at the deadline: Graph asked to wait 5.0 s more (last answer: Graph error ServiceUnavailable: The service is temporarily unavailable. Please retry later. (HTTP 503))\n',
    );
  });

  test('a wrong secret: the Entra error, AADSTS7000215 and what to fix', async () => {
    const result = await harness.run(harness.connection({ secret: 'wrong-secret' }), { connection: false });
    assert.equal(
      result.stdout,
      "UNKNOWN: Login endpoint API returned an error: invalid client secret: use the secret's Value, not its Secret ID (invalid_client, AADSTS7000215)\n",
    );
    assert.equal(result.code, 3);
  });

  test('an expired secret, an unknown app', async () => {
    const expired = await harness.run(harness.connection({ client: EXPIRED_CLIENT, secret: 'sim-expired' }), {
      connection: false,
    });
    assert.match(
      expired.stdout,
      /^UNKNOWN: Login endpoint API returned an error: the client secret has expired: .*AADSTS7000222\)\n$/,
    );
    const unknownApp = await harness.run(harness.connection({ client: '99999999-9999-9999-9999-999999999999' }), {
      connection: false,
    });
    assert.match(
      unknownApp.stdout,
      /^UNKNOWN: Login endpoint API returned an error: application not found in the tenant: .*AADSTS700016\)\n$/,
    );
  });

  test('an unknown tenant: AADSTS90002 and what to fix', async () => {
    const unknownTenant = await harness.run(harness.connection({ tenant: '88888888-8888-8888-8888-888888888888' }), {
      connection: false,
    });
    assert.equal(unknownTenant.code, 3);
    assert.match(
      unknownTenant.stdout,
      /^UNKNOWN: Login endpoint API returned an error: tenant not found: .*AADSTS90002\)\n$/,
    );
  });

  test('no answer within --timeout', async () => {
    harness.sim.injectFault({ path: '/v1.0/', hang: true });
    const started = Date.now();
    const result = await harness.run(['--timeout=1']);
    assert.match(result.stdout, /^UNKNOWN: No answer within --timeout=1 s: /);
    assert.ok(Date.now() - started < 2000);
  });

  test('--timeout also bounds a login endpoint that never answers', async () => {
    harness.sim.injectFault({ path: `/${TENANT}/`, hang: true, count: Infinity });
    const started = Date.now();
    const result = await harness.run(['--timeout=1', `--statefile-dir=${harness.stateDir}/hang-login`]);
    assert.match(result.stdout, /^UNKNOWN: No answer within --timeout=1 s: /);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });

  test('a connection reset, and an endpoint nobody listens on', async () => {
    harness.sim.injectFault({ path: '/v1.0/', reset: true, count: Infinity });
    assert.match((await harness.run(['--timeout=1'])).stdout, /^UNKNOWN: /);
    harness.sim.clearFaults();
    const closed = await harness.run(
      [
        '--tenant=t',
        '--client-id=c',
        '--client-secret=s',
        '--login-endpoint=http://127.0.0.1:9',
        '--graph-endpoint=http://127.0.0.1:9',
        `--statefile-dir=${harness.stateDir}`,
      ],
      { connection: false },
    );
    assert.match(closed.stdout, /^UNKNOWN: cannot reach the identity platform: /);
    assert.equal(closed.code, 3);
  });
});
