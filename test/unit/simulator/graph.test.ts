import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireCollection, WireGraphError, WireIssue, WireServiceHealth } from '../../../src/graph/wire.ts';
import { DEFAULT_SERVICE_IDS, type Simulator } from '../../../src/simulator/index.ts';
import {
  FABRIKAM,
  FABRIKAM_APP,
  FABRIKAM_SECRET,
  fakeClock,
  fetchToken,
  graphGet,
  startFromYaml,
  TWO_TENANTS,
} from './sim-helpers.ts';

type Services = WireCollection<WireServiceHealth>;

async function readAll<T>(
  sim: Simulator,
  first: string,
  token: string,
): Promise<{ pages: WireCollection<T>[]; items: T[] }> {
  const pages: WireCollection<T>[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    const res = await graphGet(sim, next, token);
    assert.equal(res.status, 200);
    const page = (await res.json()) as WireCollection<T>;
    pages.push(page);
    next = page['@odata.nextLink'];
  }
  return { pages, items: pages.flatMap((p) => p.value) };
}

describe('simulator Graph endpoints', () => {
  let sim: Simulator;
  let token: string;
  const clock = fakeClock();
  before(async () => {
    sim = await startFromYaml(TWO_TENANTS, { clock: clock.now, pageSize: 10 });
    token = await fetchToken(sim);
  });
  after(() => sim.close());

  test('healthOverviews pages with absolute @odata.nextLink and keeps $expand', async () => {
    const { pages, items } = await readAll<WireServiceHealth>(sim, 'healthOverviews?$expand=issues', token);
    assert.equal(pages.length, Math.ceil(DEFAULT_SERVICE_IDS.length / 10));
    assert.deepEqual(
      items.map((s) => s.id),
      DEFAULT_SERVICE_IDS,
    );
    const link = pages[0]['@odata.nextLink']!;
    assert.ok(
      link.startsWith(`${sim.url}/v1.0/admin/serviceAnnouncement/healthOverviews?$expand=issues&$skiptoken=`),
      link,
    );
    assert.equal(
      pages[0]['@odata.context'],
      `${sim.url}/v1.0/$metadata#admin/serviceAnnouncement/healthOverviews(issues())`,
    );
    assert.ok(items.every((s) => Array.isArray(s.issues)));
    const exchange = items.find((s) => s.id === 'Exchange')!;
    assert.deepEqual([exchange.service, exchange.status], ['Exchange Online', 'serviceDegradation']);
    assert.deepEqual(
      exchange.issues!.map((x) => x.id),
      ['EX100001'],
    );
    assert.equal(items.find((s) => s.id === 'SharePoint')!.status, 'serviceOperational');
  });

  test('without $expand the services carry no issues', async () => {
    const res = await graphGet(sim, 'healthOverviews', token);
    const page = (await res.json()) as Services;
    assert.equal(page['@odata.context'], `${sim.url}/v1.0/$metadata#admin/serviceAnnouncement/healthOverviews`);
    assert.ok(page.value.every((s) => !('issues' in s)));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json;odata\.metadata=minimal/);
    assert.match(res.headers.get('request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('issues page with $skip and honour Prefer: odata.maxpagesize', async () => {
    for (let i = 0; i < 3; i++)
      sim.openIssue('contoso', { id: `PL20000${i}`, service: 'Planner', title: `Planner issue ${i}` });
    const defaultPaging = await readAll<WireIssue>(sim, 'issues', token);
    assert.equal(defaultPaging.items.length, 5);
    assert.equal(defaultPaging.pages.length, 1);
    const res = await graphGet(sim, 'issues', token, { prefer: 'odata.maxpagesize=2' });
    assert.equal(res.headers.get('preference-applied'), 'odata.maxpagesize=2');
    const first = (await res.json()) as WireCollection<WireIssue>;
    assert.equal(first.value.length, 2);
    assert.equal(first['@odata.nextLink'], `${sim.url}/v1.0/admin/serviceAnnouncement/issues?$skip=2`);
    const rest = await readAll<WireIssue>(sim, first['@odata.nextLink'], token);
    assert.deepEqual(
      [...first.value, ...rest.items].map((x) => x.id),
      ['EX100001', 'SP100002', 'PL200000', 'PL200001', 'PL200002'],
    );
  });

  test('issues honour the simple $filter equalities Graph supports in practice', async () => {
    const ids = async (filter: string) => {
      const res = await graphGet(sim, `issues?$filter=${encodeURIComponent(filter)}`, token);
      assert.equal(res.status, 200);
      return ((await res.json()) as WireCollection<WireIssue>).value.map((x) => x.id);
    };
    assert.deepEqual(await ids('isResolved eq true'), ['SP100002']);
    assert.deepEqual(await ids("isResolved eq false and service eq 'exchange online'"), ['EX100001']);
    assert.equal((await graphGet(sim, 'issues?$filter=startDateTime%20gt%202020-01-01', token)).status, 400);
    assert.equal((await graphGet(sim, "issues?$filter=colour%20eq%20'red'", token)).status, 400);
  });

  test('issues/{id} and healthOverviews/{id or display name}', async () => {
    const issue = (await (await graphGet(sim, 'issues/SP100002', token)).json()) as WireIssue & Record<string, unknown>;
    assert.equal(issue['@odata.context'], `${sim.url}/v1.0/$metadata#admin/serviceAnnouncement/issues/$entity`);
    assert.deepEqual(
      [issue.id, issue.service, issue.isResolved, issue.status],
      ['SP100002', 'SharePoint Online', true, 'serviceRestored'],
    );
    assert.equal(issue.endDateTime, new Date(clock.now() - 26 * 3_600_000).toISOString());
    assert.match(issue.posts!.at(-1)!.description!.content!, /Final status:/);
    const byId = (await (await graphGet(sim, 'healthOverviews/Exchange', token)).json()) as WireServiceHealth;
    const byName = (await (
      await graphGet(sim, 'healthOverviews/Exchange%20Online?$expand=issues', token)
    ).json()) as WireServiceHealth;
    assert.equal(byId.service, 'Exchange Online');
    assert.equal(byId.issues, undefined);
    assert.deepEqual(
      byName.issues?.map((x) => x.id),
      ['EX100001'],
    );
  });

  test('unknown items answer 404, unknown segments 400, the documented broken navigation 404', async () => {
    assert.equal((await graphGet(sim, 'issues/XX999', token)).status, 404);
    assert.equal((await graphGet(sim, 'healthOverviews/Nope', token)).status, 404);
    assert.equal((await graphGet(sim, 'healthOverviews/Exchange/issues', token)).status, 404);
    const segment = await graphGet(sim, 'nothing', token);
    assert.equal(segment.status, 400);
    assert.equal(
      ((await segment.json()) as WireGraphError).error.message,
      "Resource not found for the segment 'nothing'.",
    );
    assert.equal((await graphGet(sim, 'healthOverviews?$expand=posts', token)).status, 400);
  });

  test('missing, unknown and expired tokens answer 401 InvalidAuthenticationToken', async () => {
    for (const bad of [undefined, 'not-a-token']) {
      const res = await graphGet(sim, 'healthOverviews', bad);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
      const body = (await res.json()) as WireGraphError;
      assert.equal(body.error.code, 'InvalidAuthenticationToken');
      assert.match(body.error.innerError?.['request-id'] ?? '', /^[0-9a-f-]{36}$/);
      assert.match(body.error.innerError?.['date'] ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    const shortLived = await fetchToken(sim);
    clock.advance(61_000);
    const expired = await graphGet(sim, 'healthOverviews', shortLived);
    assert.equal(expired.status, 401);
    assert.equal(
      ((await expired.json()) as WireGraphError).error.message,
      'Lifetime validation failed, the token is expired.',
    );
    token = await fetchToken(sim);
  });

  test('an app without ServiceHealth.Read.All gets 403 Forbidden', async () => {
    const weak = await fetchToken(sim, undefined, '66666666-6666-6666-6666-666666666666', 'no-perm');
    const res = await graphGet(sim, 'healthOverviews', weak);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as WireGraphError).error.code, 'Forbidden');
  });

  test("the tenant is the token's tenant", async () => {
    const fabrikam = await fetchToken(sim, FABRIKAM, FABRIKAM_APP, FABRIKAM_SECRET);
    const page = (await (await graphGet(sim, 'healthOverviews', fabrikam)).json()) as Services;
    assert.deepEqual(
      page.value.map((s) => s.id),
      ['Exchange', 'microsoftteams', 'Planner'],
    );
    assert.equal(sim.requests.at(-1)?.tenant, 'fabrikam');
  });
});

describe('simulator Graph options', () => {
  test('pascalCase spells enumerations like the docs', async () => {
    const sim = await startFromYaml(TWO_TENANTS, { pascalCase: true });
    try {
      const token = await fetchToken(sim);
      const page = (await (await graphGet(sim, 'healthOverviews?$expand=issues', token)).json()) as Services;
      const exchange = page.value.find((s) => s.id === 'Exchange')!;
      assert.equal(exchange.status, 'ServiceDegradation');
      const issue = exchange.issues![0];
      assert.deepEqual(
        [issue.classification, issue.origin, issue.posts![0].postType],
        ['Incident', 'Microsoft', 'Regular'],
      );
      assert.equal(issue.posts![0].description!.contentType, 'Html');
    } finally {
      await sim.close();
    }
  });

  test('varyAnswers: each answer differs in bytes, not in meaning, and the pages of one answer share its order', async () => {
    const sim = await startFromYaml(`${TWO_TENANTS}\npages: 4\n`, { varyAnswers: true });
    try {
      const token = await fetchToken(sim);
      const texts = [];
      for (let k = 0; k < 2; k++)
        texts.push(await (await graphGet(sim, 'healthOverviews?$expand=issues', token)).text());
      assert.notEqual(texts[0], texts[1]);
      const [first, second] = texts.map((text) => JSON.parse(text) as Services & { '@odata.etag': string });
      assert.deepEqual([first['@odata.etag'], second['@odata.etag']], ['W/"1"', 'W/"2"']);
      assert.notEqual(first.value[0].id, second.value[0].id);
      const { items } = await readAll<WireServiceHealth>(sim, 'healthOverviews?$expand=issues', token);
      const byId = (services: readonly WireServiceHealth[]) => [...services].sort((a, b) => a.id.localeCompare(b.id));
      assert.equal(new Set(items.map((s) => s.id)).size, DEFAULT_SERVICE_IDS.length);
      const { items: again } = await readAll<WireServiceHealth>(sim, 'healthOverviews?$expand=issues', token);
      assert.deepEqual(byId(again), byId(items));
    } finally {
      await sim.close();
    }
  });

  test('scenario pages force a number of pages', async () => {
    const sim = await startFromYaml(`${TWO_TENANTS}\npages: 4\n`);
    try {
      const token = await fetchToken(sim);
      const { pages, items } = await readAll<WireServiceHealth>(sim, 'healthOverviews', token);
      assert.equal(pages.length, 4);
      assert.equal(items.length, DEFAULT_SERVICE_IDS.length);
    } finally {
      await sim.close();
    }
  });
});
