import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  advanceFleet,
  beginFleet,
  sightingsOfMemory,
  sightingsOfViews,
  touchedIssues,
  type FleetIssueUpdate,
  type FleetMemory,
  type IssueSighting,
} from '../../../src/health/fleet-issues.ts';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import { makeIssue } from '../../helpers/make-services.ts';

const EX = (fields: Partial<IssueSighting> = {}): IssueSighting => ({
  service: 'Exchange Online',
  title: 'Mail delayed',
  lastModified: '2026-12-01T09:00:00Z',
  status: 'investigating',
  classification: 'incident',
  ...fields,
});

/** The fleet as the agent keeps it: which tenants show which issue, and the memory the pure step advances. */
function createFleetDriver() {
  let memory: FleetMemory = beginFleet(1_000);
  const shown = new Map<string, Map<string, IssueSighting>>();
  const affected = new Map<string, Set<string>>();
  const updates: FleetIssueUpdate[] = [];
  function show(tenant: string, sightings: Record<string, IssueSighting>, now = 2_000, baseline = false) {
    const after = new Map(Object.entries(sightings));
    const touched = touchedIssues(shown.get(tenant), after);
    shown.set(tenant, after);
    for (const id of touched) {
      const set = affected.get(id) ?? new Set<string>();
      if (after.has(id)) set.add(tenant);
      else set.delete(tenant);
      affected.set(id, set);
    }
    const step = advanceFleet(memory, {
      tenant,
      sightings: after,
      touched,
      affected: (id) => affected.get(id) ?? new Set(),
      now,
      baseline,
    });
    memory = step.memory;
    updates.push(...step.updates);
    return step.updates;
  }
  return { show, updates, memory: () => memory };
}

const summary = (updates: readonly FleetIssueUpdate[]) =>
  updates.map((u) => `${u.issueId} ${u.update} ${u.tenants} first=${u.issue.firstTenant} ${u.sample.join(',')}`);

describe('an issue across the fleet', () => {
  test('is opened by its first tenant, updated once per version, resolved by its last tenant', () => {
    const fleet = createFleetDriver();
    fleet.show('contoso', { EX1: EX() }, 5_000);
    fleet.show('fabrikam', { EX1: EX() });
    fleet.show('contoso', { EX1: EX({ lastModified: '2026-12-01T10:00:00Z' }) });
    // A tenant still showing the older version, and a second showing the newer one: nothing new.
    fleet.show('northwind', { EX1: EX() });
    fleet.show('fabrikam', { EX1: EX({ lastModified: '2026-12-01T10:00:00Z' }) });
    fleet.show('contoso', { EX1: EX({ lastModified: '2026-12-01T10:00:00Z', classification: 'advisory' }) });
    fleet.show('contoso', {});
    fleet.show('fabrikam', {});
    fleet.show('northwind', {});
    assert.deepEqual(summary(fleet.updates), [
      'EX1 opened 1 first=contoso contoso',
      'EX1 updated 2 first=contoso contoso,fabrikam',
      'EX1 updated 3 first=contoso contoso,fabrikam,northwind',
      'EX1 resolved 0 first=contoso ',
    ]);
    assert.equal(fleet.updates[0].issue.firstSeenAt, 5_000);
    assert.equal(fleet.updates[2].previous?.classification, 'incident');
    assert.equal(fleet.updates[2].issue.classification, 'advisory');
    assert.deepEqual(fleet.memory().issues, {});
  });

  test('a status moved under the same lastModifiedDateTime is an update; an older version is none', () => {
    const fleet = createFleetDriver();
    fleet.show('a', { EX1: EX() });
    fleet.show('a', { EX1: EX({ status: 'serviceDegradation' }) });
    fleet.show('b', { EX1: EX({ lastModified: '2026-11-30T00:00:00Z', status: 'reported' }) });
    assert.deepEqual(
      fleet.updates.map((u) => `${u.update} ${u.issue.status}`),
      ['opened investigating', 'updated serviceDegradation'],
    );
  });

  test('tenants joining one by one are events only at 10, 100 and 1,000 of them, with a sample of 10', () => {
    const fleet = createFleetDriver();
    for (let i = 0; i < 3_000; i++) fleet.show(`t${i}`, { EX1: EX() });
    assert.deepEqual(
      fleet.updates.map((u) => `${u.update} ${u.tenants}`),
      ['opened 1', 'spread 10', 'spread 100', 'spread 1000'],
    );
    assert.deepEqual(fleet.updates.at(-1)!.sample, ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9']);
    for (let i = 1; i < 3_000; i++) fleet.show(`t${i}`, {});
    assert.equal(fleet.updates.length, 4, 'tenants leaving while one still shows it: no event');
    fleet.show('t0', {});
    assert.deepEqual(summary(fleet.updates.slice(4)), ['EX1 resolved 0 first=t0 ']);
  });

  test('the services it is listed under accumulate and travel in the next event', () => {
    const fleet = createFleetDriver();
    fleet.show('a', { EX1: EX() });
    fleet.show('b', { EX1: EX({ service: 'Exchange Online Protection' }) });
    fleet.show('b', { EX1: EX({ service: 'Exchange Online Protection', lastModified: '2026-12-02T00:00:00Z' }) });
    assert.deepEqual(fleet.updates.at(-1)!.issue.services, ['Exchange Online', 'Exchange Online Protection']);
  });

  test('a baseline takes issues in without an event, and counts them', () => {
    const fleet = createFleetDriver();
    fleet.show('a', { EX1: EX() }, 2_000, true);
    fleet.show('b', { EX1: EX() });
    assert.deepEqual(fleet.updates, []);
    fleet.show('a', {});
    fleet.show('b', {});
    assert.deepEqual(summary(fleet.updates), ['EX1 resolved 0 first=a ']);
  });

  test('event ids are unique per step and issue, and the same for the same step of the same memory', () => {
    const fleet = createFleetDriver();
    fleet.show('a', { EX1: EX(), TM1: EX({ service: 'Microsoft Teams' }) });
    fleet.show('a', {});
    const ids = fleet.updates.map((u) => u.eventId);
    assert.deepEqual(ids, [
      '1000/f1/EX1:opened@2026-12-01T09:00:00Z',
      '1000/f1/TM1:opened@2026-12-01T09:00:00Z',
      '1000/f2/EX1:resolved@2026-12-01T09:00:00Z',
      '1000/f2/TM1:resolved@2026-12-01T09:00:00Z',
    ]);
    const again = advanceFleet(beginFleet(1_000), {
      tenant: 'a',
      sightings: new Map([['EX1', EX()]]),
      touched: ['EX1'],
      affected: () => new Set(['a']),
      now: 9_999,
    });
    assert.equal(again.updates[0].eventId, ids[0]);
  });
});

describe('sightings', () => {
  test('of views: the open issues of each service, under its name', () => {
    const issue = makeIssue({ id: 'EX1', lastModifiedDateTime: '2026-12-01T09:00:00Z', status: 'investigating' });
    const view: ServiceView = {
      id: 'Exchange',
      name: 'Exchange Online',
      status: 'serviceDegradation',
      rawStatus: 'serviceDegradation',
      health: 2,
      openIssues: [issue],
      features: [],
    };
    assert.deepEqual([...sightingsOfViews([view])], [['EX1', EX()]]);
  });

  test('of a memory: the unresolved versions, without service or title', () => {
    const version = { lastModified: 'x', status: 'investigating', classification: 'advisory' } as const;
    const sightings = sightingsOfMemory({
      A: { ...version, isResolved: false },
      B: { ...version, isResolved: true },
    });
    assert.deepEqual([...sightings], [['A', { ...version, service: '', title: '' }]]);
  });

  test('touched: appeared, changed and gone, not the same', () => {
    const before = new Map([
      ['same', EX()],
      ['changed', EX()],
      ['gone', EX()],
    ]);
    const after = new Map([
      ['same', EX()],
      ['changed', EX({ status: 'serviceRestored' })],
      ['new', EX()],
    ]);
    assert.deepEqual(touchedIssues(before, after), ['changed', 'new', 'gone']);
    assert.deepEqual(touchedIssues(before, undefined), ['same', 'changed', 'gone']);
  });
});

describe('a sighting restored from a tenant memory', () => {
  test('never blanks the title the fleet knows', () => {
    const memory = advanceFleet(beginFleet(1), {
      tenant: 'a',
      sightings: new Map([['EX1', EX()]]),
      touched: ['EX1'],
      affected: () => new Set(['a']),
      now: 2,
    }).memory;
    const restored = EX({ service: '', title: '', lastModified: '2026-12-02T00:00:00Z' });
    const step = advanceFleet(memory, {
      tenant: 'b',
      sightings: new Map([['EX1', restored]]),
      touched: ['EX1'],
      affected: () => new Set(['a', 'b']),
      now: 3,
    });
    assert.equal(step.updates[0].update, 'updated');
    assert.equal(step.updates[0].issue.title, 'Mail delayed');
    assert.deepEqual(step.updates[0].issue.services, ['Exchange Online']);
  });
});
