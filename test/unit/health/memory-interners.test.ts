import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import { advanceMemory, MemoryInterners, type TenantMemory } from '../../../src/health/memory.ts';
import type { Snapshot } from '../../../src/health/model.ts';
import { makeIssue } from '../../helpers/make-services.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');

const advisory = makeIssue({
  id: 'TM1',
  title: 'Chat is slow',
  classification: 'advisory',
  status: 'investigating',
  service: 'Microsoft Teams',
  startDateTime: undefined,
  lastModifiedDateTime: '2026-12-01T09:55:00Z',
});

/** One poll of a tenant whose service `id` is operational, with the advisory open: what every tenant sees. */
function poll(shared: MemoryInterners, previous?: TenantMemory, id = 'microsoftteams') {
  const snapshot: Snapshot = {
    fetchedAt: T0,
    services: [{ id, name: 'Microsoft Teams', status: 'serviceOperational', rawStatus: '', issues: [{ ...advisory }] }],
  };
  const view: ServiceView = {
    id,
    name: 'Microsoft Teams',
    status: 'serviceOperational',
    rawStatus: '',
    health: 0,
    openIssues: [],
    features: [],
  };
  return advanceMemory(previous, snapshot, [view], shared).memory;
}

describe('memory interners: what tenants remember alike is one copy, within one owner only', () => {
  test('the tenants of one agent share their records and the services and versions in them', () => {
    const shared = new MemoryInterners();
    const contoso = poll(shared);
    const fabrikam = poll(shared);
    assert.equal(fabrikam.services, contoso.services, 'one record of services for both');
    assert.equal(fabrikam.issues, contoso.issues, 'one record of issue versions for both');
    const other = poll(shared, undefined, 'Exchange');
    assert.notEqual(other.services, contoso.services);
    assert.equal(other.issues, contoso.issues, 'the same issue in the same version');
    assert.ok(Object.isFrozen(contoso.services) && Object.isFrozen(contoso.services.microsoftteams));
  });

  test('two agents (two owners) share nothing: equal memories, distinct objects', () => {
    const first = poll(new MemoryInterners());
    const second = poll(new MemoryInterners());
    assert.deepEqual(second, first);
    assert.notEqual(second.services, first.services);
    assert.notEqual(second.services.microsoftteams, first.services.microsoftteams);
    assert.notEqual(second.issues, first.issues);
    assert.notEqual(second.issues.TM1, first.issues.TM1);
  });

  test('bounded: past 2,000 distinct records of services the copies start over, and memories stay equal', () => {
    const shared = new MemoryInterners();
    const contoso = poll(shared);
    for (let i = 0; i < 2_000; i++) poll(shared, undefined, `service-${i}`);
    const fabrikam = poll(shared);
    assert.deepEqual(fabrikam.services, contoso.services);
    assert.notEqual(fabrikam.services, contoso.services, 'the record interned first was let go');
    assert.equal(poll(shared).services, fabrikam.services, 'and the new copy is shared from then on');
  });
});
