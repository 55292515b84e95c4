import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import {
  CREDENTIAL_EXPIRING_DAYS,
  isCredentialExpiring,
  summarizeEstate,
  tenantHealth,
} from '../../../src/health/estate.ts';
import { fakeEstate } from '../../helpers/fake-estate.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY_MS = 86_400_000;

test('per service, the tenants ok, warning, critical and unknown, by the health each shows (stale: unknown)', () => {
  const summary = summarizeEstate(fakeEstate(100, NOW), NOW);
  assert.equal(summary.tenants, 100);
  assert.equal(summary.services.length, 27);
  const byId = new Map(summary.services.map((service) => [service.id, service.tenants]));
  // Tenants 0, 50 failed with data four intervals old: everything they show is unknown.
  assert.deepEqual(byId.get('microsoftteams'), [90, 0, 10 - 2, 2], 'every 10th sees the incident');
  assert.deepEqual(
    byId.get('Exchange'),
    [100 - 15 - 1, 15 - 1, 0, 2],
    'every 7th sees the advisory (0 and 70 among them)',
  );
  assert.deepEqual(byId.get('SharePoint'), [98, 0, 0, 2]);
  assert.deepEqual(
    summary.services.map((service) => service.name),
    [...summary.services.map((service) => service.name)].sort((a, b) => a.localeCompare(b)),
    'by name',
  );
});

test('open issues ranked by tenants affected, each tenant counted once; polls failing and credentials expiring', () => {
  const summary = summarizeEstate(fakeEstate(100, NOW), NOW);
  assert.deepEqual(summary.issues, [
    { id: 'EX2', title: 'Mail delayed', classification: 'advisory', service: 'Exchange Online', tenants: 15 },
    { id: 'TM1', title: 'Calls drop', classification: 'incident', service: 'Microsoft Teams', tenants: 10 },
  ]);
  assert.deepEqual(summary.issueTenants, { incident: 10, advisory: 15 });
  assert.equal(summary.failingPolls, 2);
  assert.equal(summary.credentialsExpiring, 3, 'tenants 0, 40 and 80');
});

test('a tenant not yet polled counts in no service, and shows unknown', () => {
  const [polled] = fakeEstate(2, NOW).slice(1);
  const waiting = { ...polled, outcome: undefined, views: undefined, lastSuccessAt: undefined };
  const summary = summarizeEstate([waiting], NOW);
  assert.deepEqual([summary.tenants, summary.services, summary.issues, summary.failingPolls], [1, [], [], 0]);
  assert.equal(tenantHealth(waiting, NOW), 3);
});

test("a tenant's health is its worst service's: critical over warning over unknown over ok", () => {
  const estate = fakeEstate(71, NOW);
  assert.equal(tenantHealth(estate[10], NOW), 2, 'the incident');
  assert.equal(tenantHealth(estate[70], NOW), 2, 'the incident and the advisory');
  assert.equal(tenantHealth(estate[7], NOW), 1, 'the advisory');
  assert.equal(tenantHealth(estate[1], NOW), 0);
  assert.equal(tenantHealth(estate[50], NOW), 3, 'stale');
});

test(`a credential is expiring when it ends within ${CREDENTIAL_EXPIRING_DAYS} days, or has ended`, () => {
  const tenant = fakeEstate(1, NOW)[0];
  const endingIn = (days: number | undefined) =>
    isCredentialExpiring({ ...tenant, credentialExpiresAt: days === undefined ? undefined : NOW + days * DAY_MS }, NOW);
  assert.equal(endingIn(CREDENTIAL_EXPIRING_DAYS), true);
  assert.equal(endingIn(CREDENTIAL_EXPIRING_DAYS + 1), false);
  assert.equal(endingIn(-1), true);
  assert.equal(endingIn(undefined), false, 'a secret or federated token has no date');
});

test('10,000 tenants of 27 services are summed up in well under the time of one export', () => {
  const estate = fakeEstate(10_000, NOW);
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    summarizeEstate(estate, NOW);
    best = Math.min(best, performance.now() - start);
  }
  assert.ok(best < 100, `${best.toFixed(1)} ms`);
});
