import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startObservation, type Observation } from '../../../src/observation/observation.ts';
import { observed } from '../../helpers/observed.ts';
import { Secret } from '../../../src/shared/secret.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { M365Error } from '../../../src/errors.ts';
import { startStatusServer, toListenError, type StatusServer } from '../../../src/server/http-server.ts';
import type { StatusDocument } from '../../../src/server/status-view.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');

function tenant(name: string): TenantConfig {
  return {
    name,
    tenantId: `${name}-id`,
    clientId: 'app',
    clientSecret: new Secret('s3cr3t-value'),
    cloud: 'global',
    endpoints: { login: 'https://login.example.test', graph: 'https://graph.example.test' },
    intervalMs: 60_000,
    timeoutMs: 10_000,
  };
}

describe('status server', () => {
  const contoso = startObservation(tenant('contoso'), undefined);
  const fabrikam = startObservation(tenant('fabrikam'), undefined);
  /** What the server reads: a new snapshot is put here as the tenants are polled. */
  let observations: readonly Observation[] = [contoso, fabrikam];
  let server: StatusServer;
  before(async () => {
    server = await startStatusServer({
      host: '127.0.0.1',
      port: 0,
      observations: () => observations,
      clock: () => NOW,
    });
  });
  after(() => server.close());

  test('healthz answers as soon as the process runs; readyz waits for every tenant', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const waiting = await fetch(`${server.url}/readyz`);
    assert.equal(waiting.status, 503);
    assert.equal(await waiting.text(), 'waiting for the first poll of: contoso, fabrikam\n');
    const exchange = {
      id: 'Exchange',
      name: 'Exchange Online',
      status: 'serviceDegradation',
      rawStatus: 'serviceDegradation',
      health: 2,
      openIssues: [],
      features: [],
    } as const;
    observations = [
      observed(contoso.tenant, {
        outcome: { ok: true },
        polledAt: NOW - 1000,
        lastSuccessAt: NOW - 1000,
        views: [exchange],
        credentialExpiresAt: Date.parse('2027-01-01T00:00:00Z'),
        credentialKind: 'secret',
      }),
      observed(fabrikam.tenant, {
        outcome: {
          ok: false,
          error: new M365Error('AUTH_INVALID_SECRET', "invalid client secret: use the secret's Value"),
        },
        polledAt: NOW - 500,
      }),
    ];
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200, 'a failed poll with a reason counts as polled');
  });

  test('status lists tenants, errors and services, never credentials', async () => {
    const response = await fetch(`${server.url}/status`);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const text = await response.text();
    assert.ok(!text.includes('s3cr3t-value'));
    const doc = JSON.parse(text) as StatusDocument;
    assert.equal(doc.tenants[0].services[0].health, 2);
    assert.equal(doc.tenants[0].stale, false);
    assert.deepEqual(doc.tenants[1].error, {
      code: 'AUTH_INVALID_SECRET',
      message: "invalid client secret: use the secret's Value",
    });
    assert.equal(doc.tenants[1].stale, true);
    assert.deepEqual(
      doc.tenants.map((t) => [t.credentialExpiresAt, t.credentialKind]),
      [
        ['2027-01-01T00:00:00.000Z', 'secret'],
        [null, null],
      ],
      'when the credential expires first, and its kind; null while not known',
    );
  });

  test('status filters and pages the tenants, and sums up the whole estate whatever the filter', async () => {
    const get = async (query: string) =>
      (await (await fetch(`${server.url}/status?${query}`)).json()) as StatusDocument;
    const failing = await get('failing=true');
    assert.deepEqual(
      failing.tenants.map((t) => t.name),
      ['fabrikam'],
    );
    assert.deepEqual([failing.matching, failing.offset, failing.limit], [1, 0, 1000]);
    assert.equal(failing.summary.tenants, 2);
    assert.equal(failing.summary.failingPolls, 1);
    assert.deepEqual(failing.summary.services, [
      { id: 'Exchange', name: 'Exchange Online', ok: 0, warning: 0, critical: 1, unknown: 0 },
    ]);
    const second = await get('limit=1&offset=1');
    assert.deepEqual([second.matching, second.tenants.map((t) => t.name)], [2, ['fabrikam']]);
    assert.deepEqual(
      (await get('health=critical&service=Exchange')).tenants.map((t) => t.name),
      ['contoso'],
    );
    assert.deepEqual(
      (await get('q=FABRIKAM-I')).tenants.map((t) => t.name),
      ['fabrikam'],
      'by id, any case',
    );
  });

  test('a bad query is a 400 naming every parameter that is wrong', async () => {
    const response = await fetch(`${server.url}/status?health=red&limit=0&limit=5&failing=yes&colour=1`);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: {
        code: 'QUERY_INVALID',
        message:
          'bad query: unknown parameter "colour" (known: q, tenant, service, issue, failing, expiring, health, offset, limit); ' +
          'health must be one of ok, warning, critical, unknown, not "red"; failing must be true or false, not "yes"; ' +
          'limit is given 2 times; limit must be a whole number from 1 to 1000, not "0"',
      },
    });
  });

  test('the page is served; unknown paths and methods are refused', async () => {
    const page = await fetch(`${server.url}/`);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<title>m365-health<\/title>/);
    assert.equal((await fetch(`${server.url}/nope`)).status, 404);
    assert.equal((await fetch(`${server.url}/status`, { method: 'POST' })).status, 405);
  });
});

describe('status server: an address it cannot listen on', () => {
  const observations = () => [];

  test('a port in use is LISTEN_FAILED naming the address', async () => {
    const taken = await startStatusServer({ host: '127.0.0.1', port: 0, observations, clock: () => NOW });
    const port = Number(new URL(taken.url).port);
    try {
      await assert.rejects(
        startStatusServer({ host: '127.0.0.1', port, observations, clock: () => NOW }),
        (error: unknown) => {
          assert.ok(error instanceof M365Error);
          assert.equal(error.code, 'LISTEN_FAILED');
          assert.equal(error.message, `cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`);
          return true;
        },
      );
      assert.equal((await fetch(`${taken.url}/healthz`)).status, 200, 'the listener already there is unaffected');
    } finally {
      await taken.close();
    }
  });

  test('an address not on this host is LISTEN_FAILED', async () => {
    await assert.rejects(startStatusServer({ host: '192.0.2.1', port: 13133, observations, clock: () => NOW }), {
      code: 'LISTEN_FAILED',
      message: "cannot listen on 192.0.2.1:13133: the address is not one of this host's (EADDRNOTAVAIL)",
    });
  });

  test('a privileged port and IPv6 literals are described as written in server.listen', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
    assert.equal(
      toListenError(denied, '0.0.0.0', 80).message,
      'cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need privileges) (EACCES)',
    );
    assert.equal(toListenError(denied, '::1', 8080).message, 'cannot listen on [::1]:8080: permission denied (EACCES)');
    assert.equal(toListenError(new Error('odd'), 'localhost', 1).message, 'cannot listen on localhost:1: odd');
  });
});
