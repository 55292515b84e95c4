import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildCheckEntries } from '../../../src/check/check-entries.ts';
import { parseCheckCommand, type EntryFilters } from '../../../src/check/check-options.ts';
import { ALL, makeIssue, makeService } from '../../helpers/make-services.ts';

const tm1 = makeIssue({
  id: 'TM1',
  service: 'Microsoft Teams',
  classification: 'incident',
  title: 'Calls drop',
  feature: 'Calling',
  featureGroup: 'Audio and Video',
});
const tm2 = makeIssue({
  id: 'TM2',
  service: 'Microsoft Teams',
  classification: 'advisory',
  title: 'Slow chat',
  status: 'investigating',
});
const old = makeIssue({
  id: 'EX9',
  classification: 'incident',
  status: 'serviceRestored',
  isResolved: true,
  title: 'Old outage',
});
const services = [
  makeService('Exchange', 'Exchange Online', 'serviceOperational', [old]),
  makeService('microsoftteams', 'Microsoft Teams', 'serviceDegradation', [tm1, tm2]),
  makeService('SharePoint', 'SharePoint Online'),
];

const summary = (filters: EntryFilters) =>
  buildCheckEntries(services, filters).map((e) => `${e.service_name}/${e.issue_id}`);

describe('buildCheckEntries', () => {
  test('one entry per open issue, else one per service, in the API order', () => {
    assert.deepEqual(summary(ALL), [
      'Exchange Online/-',
      'Microsoft Teams/TM1',
      'Microsoft Teams/TM2',
      'SharePoint Online/-',
    ]);
  });

  test('a service whose issues are all resolved stays, with its own status', () => {
    const [exchange] = buildCheckEntries(services, ALL);
    assert.equal(exchange?.status, 'serviceOperational');
    assert.deepEqual(
      [exchange?.classification, exchange?.issue_id, exchange?.issue_startDateTime, exchange?.issue_title],
      ['-', '-', '-', '-'],
    );
  });

  test('--exclude-resolved=0 makes resolved issues entries too', () => {
    const entries = buildCheckEntries(services, { ...ALL, excludeResolved: false });
    assert.deepEqual(
      entries.map((e) => e.issue_id),
      ['EX9', 'TM1', 'TM2', '-'],
    );
    assert.equal(entries[0]?.issue_resolved, '1');
    assert.equal(entries[0]?.issue_status, 'serviceRestored');
  });

  test('service name filters: include (alias filter-service-name) and exclude', () => {
    assert.deepEqual(summary({ ...ALL, includeServiceName: /^Microsoft/ }), [
      'Microsoft Teams/TM1',
      'Microsoft Teams/TM2',
    ]);
    assert.deepEqual(summary({ ...ALL, excludeServiceName: /Teams|SharePoint/ }), ['Exchange Online/-']);
  });

  test('classification filters select issues; a service whose open issues are all left out is not reported', () => {
    assert.deepEqual(summary({ ...ALL, excludeClassification: /advisory/ }), [
      'Exchange Online/-',
      'Microsoft Teams/TM1',
      'SharePoint Online/-',
    ]);
    assert.deepEqual(summary({ ...ALL, includeClassification: /advisory/ }), [
      'Exchange Online/-',
      'Microsoft Teams/TM2',
      'SharePoint Online/-',
    ]);
    assert.deepEqual(summary({ ...ALL, includeClassification: /nothing/ }), [
      'Exchange Online/-',
      'SharePoint Online/-',
    ]);
  });

  test('every documented variable is set, "-" where there is no issue', () => {
    const [exchange, teams] = buildCheckEntries(services, ALL);
    assert.deepEqual(teams, {
      status: 'serviceDegradation',
      service_name: 'Microsoft Teams',
      service_id: 'microsoftteams',
      classification: 'incident',
      issue_title: 'Calls drop',
      issue_startDateTime: '2025-09-30T07:15:00Z',
      issue_id: 'TM1',
      issue_status: 'serviceDegradation',
      issue_resolved: '0',
      feature_name: 'Calling',
      feature_group: 'Audio and Video',
    });
    assert.deepEqual(exchange, {
      status: 'serviceOperational',
      service_name: 'Exchange Online',
      service_id: 'Exchange',
      classification: '-',
      issue_title: '-',
      issue_startDateTime: '-',
      issue_id: '-',
      issue_status: '-',
      issue_resolved: '0',
      feature_name: '-',
      feature_group: '-',
    });
  });

  test('--filter-service-name=(a|aa)+$ against a service named sixty a and a ! answers in milliseconds, not minutes', () => {
    const parsed = parseCheckCommand(
      ['--tenant=t', '--client-id=c', '--client-secret=s', '--filter-service-name=(a|aa)+$'],
      'service-status',
    );
    assert.ok(parsed.kind === 'run');
    const hostile = [makeService('x', `${'a'.repeat(60)}!`), makeService('y', 'aaaa')];
    const started = performance.now();
    const entries = buildCheckEntries(hostile, parsed.options.filters);
    const elapsed = performance.now() - started;
    assert.deepEqual(
      entries.map((entry) => entry.service_name),
      ['aaaa'],
    );
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });
});
