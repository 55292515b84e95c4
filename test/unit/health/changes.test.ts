import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectStatusChanges, pickTrigger } from '../../../src/health/changes.ts';
import { MemoryInterners } from '../../../src/health/memory.ts';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import type { Issue } from '../../../src/health/model.ts';

function view(
  id: string,
  status: ServiceView['status'],
  health: ServiceView['health'],
  openIssues: Issue[] = [],
): ServiceView {
  return { id, name: `${id} name`, status, rawStatus: status, health, openIssues, features: [] };
}

function issue(id: string, classification: Issue['classification'], lastModifiedDateTime: string): Issue {
  return {
    id,
    title: `title ${id}`,
    impactDescription: '',
    classification,
    status: 'serviceDegradation',
    rawStatus: 'serviceDegradation',
    service: 'x',
    feature: undefined,
    featureGroup: undefined,
    isResolved: false,
    startDateTime: undefined,
    endDateTime: undefined,
    lastModifiedDateTime,
    posts: [],
  };
}

/** The copies that the tenants of these tests share, as the tenants of one agent do. */
const SHARED = new MemoryInterners().services;

describe('detectStatusChanges: a service going down and back', () => {
  test('the first poll remembers and reports nothing', () => {
    const first = detectStatusChanges(undefined, [view('Exchange', 'serviceOperational', 0)], 1000, 'S', SHARED);
    assert.deepEqual(first.changes, []);
    assert.deepEqual(first.services.Exchange, { name: 'Exchange name', status: 'serviceOperational', health: 0 });
  });

  test('a degradation, then the same state again, then recovery: exactly two changes', () => {
    const incident = issue('EX1', 'incident', '2026-01-01T00:00:00Z');
    const up = detectStatusChanges(undefined, [view('Exchange', 'serviceOperational', 0)], 1000, 'S', SHARED);
    const down = detectStatusChanges(
      up.services,
      [view('Exchange', 'serviceDegradation', 2, [incident])],
      2000,
      'S',
      SHARED,
    );
    assert.equal(down.changes.length, 1);
    assert.deepEqual(
      { ...down.changes[0], trigger: down.changes[0]?.trigger?.id },
      {
        kind: 'status_change',
        serviceId: 'Exchange',
        serviceName: 'Exchange name',
        status: 'serviceDegradation',
        previousStatus: 'serviceOperational',
        health: 2,
        previousHealth: 0,
        openIssueIds: ['EX1'],
        trigger: 'EX1',
        at: 2000,
        eventId: 'S/Exchange:serviceOperational>serviceDegradation:0>2',
      },
    );
    const still = detectStatusChanges(
      down.services,
      [view('Exchange', 'serviceDegradation', 2, [incident])],
      3000,
      'S',
      SHARED,
    );
    assert.deepEqual(still.changes, []);
    const back = detectStatusChanges(still.services, [view('Exchange', 'serviceRestored', 0)], 4000, 'S', SHARED);
    assert.equal(back.changes.length, 1);
    assert.equal(back.changes[0]?.previousHealth, 2);
    assert.equal(back.changes[0]?.health, 0);
  });

  test('an advisory escalated to an incident under the same status is a change of health', () => {
    const before = detectStatusChanges(undefined, [view('Teams', 'serviceDegradation', 1)], 1, 'S', SHARED);
    const after = detectStatusChanges(before.services, [view('Teams', 'serviceDegradation', 2)], 2, 'S', SHARED);
    assert.equal(after.changes.length, 1);
    assert.equal(after.changes[0]?.previousHealth, 1);
  });

  test('a new service is not a change; a vanished one is forgotten', () => {
    const before = detectStatusChanges(undefined, [view('A', 'serviceOperational', 0)], 1, 'S', SHARED);
    const after = detectStatusChanges(before.services, [view('B', 'serviceInterruption', 2)], 2, 'S', SHARED);
    assert.deepEqual(after.changes, []);
    assert.deepEqual(Object.keys(after.services), ['B']);
  });
});

test('pickTrigger prefers incidents, then the latest modified', () => {
  const a = issue('A', 'advisory', '2026-01-03T00:00:00Z');
  const b = issue('B', 'incident', '2026-01-01T00:00:00Z');
  const c = issue('C', 'incident', '2026-01-02T00:00:00Z');
  assert.equal(pickTrigger([a, b, c])?.id, 'C');
  assert.equal(pickTrigger([a])?.id, 'A');
  assert.equal(pickTrigger([]), undefined);
});
