import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import { advanceMemory, MemoryInterners, type TenantMemory } from '../../../src/health/memory.ts';
import type { Issue, Snapshot } from '../../../src/health/model.ts';
import { htmlToPlainText } from '../../../src/health/plain-text.ts';

/** The copies that the tenants of these tests share, as the tenants of one agent do. */
const SHARED = new MemoryInterners();

function issue(overrides: Partial<Issue>): Issue {
  return {
    id: 'TM1',
    title: 'Chat is slow',
    impactDescription: '',
    classification: 'advisory',
    status: 'investigating',
    rawStatus: 'investigating',
    service: 'Microsoft Teams',
    feature: undefined,
    featureGroup: undefined,
    isResolved: false,
    startDateTime: undefined,
    endDateTime: undefined,
    lastModifiedDateTime: '2026-11-27T10:00:00Z',
    posts: [],
    ...overrides,
  };
}

function poll(previous: TenantMemory | undefined, issues: Issue[], at: number) {
  const snapshot: Snapshot = {
    fetchedAt: at,
    services: [{ id: 'microsoftteams', name: 'Microsoft Teams', status: 'serviceOperational', rawStatus: '', issues }],
  };
  const views: ServiceView[] = [
    {
      id: 'microsoftteams',
      name: 'Microsoft Teams',
      status: 'serviceOperational',
      rawStatus: '',
      health: 0,
      openIssues: [],
      features: [],
    },
  ];
  return advanceMemory(previous, snapshot, views, SHARED);
}

describe('issue updates: one issue through its life', () => {
  test('opened, escalated, updated, resolved: one event per version, none for repeats', () => {
    const t0 = Date.parse('2026-11-27T09:00:00Z');
    const baseline = poll(undefined, [issue({ id: 'OLD', isResolved: true })], t0);
    assert.deepEqual(baseline.updates, [], 'the first poll is the baseline');
    const versions = [
      issue({}),
      issue({}),
      issue({ classification: 'incident', status: 'serviceDegradation', lastModifiedDateTime: '2026-11-27T10:05:00Z' }),
      issue({ classification: 'incident', status: 'serviceDegradation', lastModifiedDateTime: '2026-11-27T10:10:00Z' }),
      issue({
        classification: 'incident',
        status: 'serviceRestored',
        isResolved: true,
        lastModifiedDateTime: '2026-11-27T10:20:00Z',
      }),
      issue({
        classification: 'incident',
        status: 'serviceRestored',
        isResolved: true,
        lastModifiedDateTime: '2026-11-27T10:20:00Z',
      }),
    ];
    let memory = baseline.memory;
    const seen: string[] = [];
    versions.forEach((version, i) => {
      const step = poll(memory, [issue({ id: 'OLD', isResolved: true }), version], t0 + (i + 1) * 60_000);
      memory = step.memory;
      seen.push(...step.updates.map((u) => `${u.update} ${u.issue.classification} ${u.eventId}`));
    });
    assert.deepEqual(seen, [
      `opened advisory ${t0}/i1/TM1@2026-11-27T10:00:00Z:advisory:investigating:open`,
      `updated incident ${t0}/i2/TM1@2026-11-27T10:05:00Z:incident:serviceDegradation:open`,
      `updated incident ${t0}/i3/TM1@2026-11-27T10:10:00Z:incident:serviceDegradation:open`,
      `resolved incident ${t0}/i4/TM1@2026-11-27T10:20:00Z:incident:serviceRestored:resolved`,
    ]);
  });

  test('an issue that opened and resolved between two polls is reported once; older history is not', () => {
    const t0 = Date.parse('2026-11-27T09:00:00Z');
    const baseline = poll(undefined, [], t0);
    const later = poll(
      baseline.memory,
      [
        issue({ id: 'NEW', isResolved: true, lastModifiedDateTime: '2026-11-27T09:30:00Z' }),
        issue({ id: 'ANCIENT', isResolved: true, lastModifiedDateTime: '2026-10-01T00:00:00Z' }),
      ],
      t0 + 3_600_000,
    );
    assert.deepEqual(
      later.updates.map((u) => `${u.update} ${u.issue.id}`),
      ['resolved NEW'],
    );
  });
});

describe('htmlToPlainText', () => {
  test('keeps the labelled sections of a post as lines, decodes entities', () => {
    const html =
      '<p><b>Title:</b> Mail &amp; calendar delays</p><p>User Impact: Users can&#39;t send&nbsp;mail.<br>Current status: We&#x27;re investigating.</p>';
    assert.equal(
      htmlToPlainText(html),
      "Title: Mail & calendar delays\nUser Impact: Users can't send mail.\nCurrent status: We're investigating.",
    );
  });
  test('cuts at the limit and survives broken markup', () => {
    assert.equal(htmlToPlainText('x'.repeat(5000)).length, 4000);
    assert.equal(htmlToPlainText('<p unclosed <b>bold</b> &bogus; &#99999999;'), 'bold &bogus; &#99999999;');
  });
});

describe('memory of a quiet poll', () => {
  test('is the previous memory, objects and all, until something changes or goes away', () => {
    const t0 = Date.parse('2026-11-27T09:00:00Z');
    const first = poll(undefined, [issue({ id: 'A' }), issue({ id: 'B' })], t0).memory;
    const quiet = poll(first, [issue({ id: 'A' }), issue({ id: 'B' })], t0 + 60_000);
    assert.deepEqual(quiet.updates, []);
    assert.equal(quiet.memory.issues, first.issues, 'same issues: the same record');
    assert.equal(quiet.memory.services, first.services, 'same services: the same record');
    const updated = poll(
      quiet.memory,
      [issue({ id: 'A' }), issue({ id: 'B', lastModifiedDateTime: '2026-11-27T10:30:00Z' })],
      t0 + 120_000,
    );
    assert.notEqual(updated.memory.issues, first.issues);
    assert.equal(updated.memory.issues.A, first.issues.A, 'the unchanged issue keeps its object');
    assert.equal(updated.memory.issues.B.lastModified, '2026-11-27T10:30:00Z');
    const otherTenant = poll(
      poll(undefined, [issue({ id: 'A' })], t0).memory,
      [issue({ id: 'A' }), issue({ id: 'B', lastModifiedDateTime: '2026-11-27T10:30:00Z' })],
      t0 + 120_000,
    );
    assert.equal(
      otherTenant.memory.issues,
      updated.memory.issues,
      'two tenants seeing the same issues share one record',
    );
    assert.equal(otherTenant.memory.services, updated.memory.services, 'and one record of their services');
    assert.ok(Object.isFrozen(updated.memory.issues));
    const gone = poll(updated.memory, [issue({ id: 'A' })], t0 + 180_000);
    assert.deepEqual(Object.keys(gone.memory.issues), ['A'], 'an issue gone is forgotten');
  });
});
