import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepViews, SharedViews } from '../../../src/observation/kept-views.ts';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import type { Issue } from '../../../src/health/model.ts';

const issue: Issue = {
  id: 'EX1',
  title: 'Mail delayed',
  impactDescription: 'Users may see delays',
  classification: 'incident',
  status: 'serviceDegradation',
  rawStatus: 'serviceDegradation',
  service: 'Exchange Online',
  feature: undefined,
  featureGroup: 'E-Mail timely delivery',
  isResolved: false,
  startDateTime: '2026-01-01T00:00:00Z',
  endDateTime: undefined,
  lastModifiedDateTime: '2026-01-01T01:00:00Z',
  posts: [{ createdDateTime: '2026-01-01T00:00:00Z', postType: 'regular', content: 'Title: Mail delayed<br><br>…' }],
};
const view = (openIssues: Issue[]): ServiceView => ({
  id: 'Exchange',
  name: 'Exchange Online',
  status: 'serviceDegradation',
  rawStatus: 'serviceDegradation',
  health: 2,
  openIssues,
  features: [],
});

test('kept views drop the posts of open issues and keep everything else; the evaluated views are left as they were', () => {
  const shared = new SharedViews();
  const healthy = view([]);
  const degraded = view([issue]);
  const kept = keepViews([healthy, degraded], undefined, shared);
  assert.deepEqual(kept[0], healthy, 'a view without open issues is kept as it is');
  assert.equal(keepViews([view([])], undefined, shared)[0], kept[0], 'and shared with every tenant showing the same');
  assert.ok(Object.isFrozen(kept[0]) && Object.isFrozen(kept[1].features), 'shared copies are frozen');
  assert.ok(Object.isFrozen(kept[1]) && Object.isFrozen(kept[1].openIssues[0]), 'and so are views with open issues');
  assert.deepEqual(kept[1], { ...degraded, openIssues: [{ ...issue, posts: [] }] });
  assert.equal(degraded.openIssues[0].posts.length, 1);
});

test('what did not change since the last poll is the object kept then: a view, or the whole list', () => {
  const shared = new SharedViews();
  const first = keepViews([view([]), view([issue])], undefined, shared);
  const same = keepViews([view([]), view([{ ...issue, posts: [] }])], first, shared);
  assert.equal(same, first, 'nothing changed: the same list');
  const updated = keepViews(
    [view([]), view([{ ...issue, lastModifiedDateTime: '2026-01-01T02:00:00Z' }])],
    first,
    shared,
  );
  assert.notEqual(updated, first);
  assert.equal(updated[0], first[0], 'the unchanged view is kept');
  assert.equal(updated[1].openIssues[0].lastModifiedDateTime, '2026-01-01T02:00:00Z');
  for (const changed of [
    { ...view([issue]), health: 1 as const },
    { ...view([issue]), features: [{ group: 'E-Mail timely delivery', health: 2 as const }] },
    view([{ ...issue, title: 'Mail delayed for some' }]),
    view([]),
  ]) {
    assert.notEqual(keepViews([view([]), changed], first, shared)[1], first[1], JSON.stringify(changed).slice(0, 80));
  }
  assert.notEqual(keepViews([view([])], first, shared), first, 'a service gone');
});

test('services listed in another order keep their views, in the order of the answer', () => {
  const shared = new SharedViews();
  const teams: ServiceView = { ...view([]), id: 'microsoftteams', name: 'Microsoft Teams', health: 0 };
  const first = keepViews([view([issue]), teams], undefined, shared);
  const turned = keepViews([teams, view([{ ...issue, posts: [] }])], first, shared);
  assert.notEqual(turned, first, 'the list is in the new order');
  assert.deepEqual(
    turned.map((v) => v.id),
    ['microsoftteams', 'Exchange'],
  );
  assert.equal(turned[0], first[1], 'each view is the one kept before');
  assert.equal(turned[1], first[0]);
  const updated = keepViews([{ ...teams, health: 1 }, view([issue])], turned, shared);
  assert.notEqual(updated[0], turned[0], 'a view that changed is new');
  assert.equal(updated[1], turned[1]);
});

test('tenants kept with one set of shared views share their copies; two sets (two agents) share nothing', () => {
  const shared = new SharedViews();
  const contoso = keepViews([view([]), view([issue])], undefined, shared);
  const fabrikam = keepViews([view([]), view([issue])], undefined, shared);
  assert.equal(fabrikam[0], contoso[0], 'one copy of the quiet view');
  assert.equal(fabrikam[1].features, contoso[1].features, 'one copy of the feature list');

  const elsewhere = keepViews([view([]), view([issue])], undefined, new SharedViews());
  assert.deepEqual(elsewhere, contoso);
  assert.notEqual(elsewhere[0], contoso[0], 'another agent keeps its own copy of the quiet view');
  assert.notEqual(elsewhere[1].features, contoso[1].features, 'and of the feature list');
});
