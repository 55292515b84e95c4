import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CustomerDiscovery } from '../../../src/agent/customer-discovery.ts';
import type { DiscoveredCustomer } from '../../../src/config/customer-sources.ts';
import type { CustomerSource, TenantConfig } from '../../../src/config/types.ts';
import { M365Error } from '../../../src/errors.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';
import { fakeTimers } from '../../helpers/fake-timers.ts';

const HOUR = 3_600_000;

const partner = {
  name: 'tenants_from[0]',
  tenantId: '11111111-1111-4111-8111-111111111111',
  clientId: '0f0f0f0f-1111-4222-8333-444444444444',
  endpoints: { login: 'https://login.example', graph: 'https://graph.example' },
} as TenantConfig;
const source: CustomerSource = { index: 0, partner, refreshMs: HOUR, include: [], exclude: [] };
const contoso = { tenantId: '22222222-2222-4222-8222-222222222222', displayName: 'Contoso' };
const fabrikam = { tenantId: '33333333-3333-4333-8333-333333333333', displayName: 'Fabrikam' };

test('lists at start and at each refresh; a change reloads, a failure keeps the list before and retries sooner', async () => {
  const timers = fakeTimers(0);
  const log = createCaptureLog();
  const discovery = new CustomerDiscovery({ log, timers });
  discovery.configure([source]);
  assert.equal(discovery.customers(source), undefined, 'nothing before the first list');
  const answers: (readonly DiscoveredCustomer[] | Error)[] = [
    [contoso],
    [contoso],
    new M365Error('GRAPH_FORBIDDEN', 'HTTP 403'),
    [fabrikam, contoso],
  ];
  const reasons: string[] = [];
  discovery.start({
    list: () => {
      const next = answers.shift()!;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    onChange: async (reason) => void reasons.push(reason),
  });

  await timers.advance(0);
  assert.deepEqual(discovery.customers(source), [contoso]);
  const listedAt = timers.now();
  assert.equal(reasons.length, 1, 'the first list is a change');

  await timers.advance(HOUR);
  assert.equal(reasons.length, 1, 'the same list is no change');

  await timers.advance(HOUR);
  assert.deepEqual(discovery.customers(source), [contoso], 'a failed list keeps the one before');
  assert.equal(reasons.length, 1);
  const error = log.lines.find((line) => line.level === 'error');
  assert.deepEqual(
    [error?.message, error?.fields['error'], error?.fields['source']],
    [
      'cannot list the delegated admin customers; the tenants discovered before are kept',
      'GRAPH_FORBIDDEN',
      'tenants_from[0]',
    ],
  );
  assert.deepEqual(discovery.statuses(), [
    {
      source: 'tenants_from[0]',
      partner: partner.tenantId,
      customers: 1,
      lastListedAt: listedAt + 2 * HOUR - HOUR,
      lastFailureAt: listedAt + 2 * HOUR,
      lastFailure: { code: 'GRAPH_FORBIDDEN', message: 'HTTP 403' },
    },
  ]);

  await timers.advance(5 * 60_000);
  assert.deepEqual(discovery.customers(source), [contoso, fabrikam], 'retried within five minutes, sorted');
  assert.deepEqual(
    discovery.statuses().map(({ customers, lastFailure }) => ({ customers, lastFailure })),
    [{ customers: 2, lastFailure: undefined }],
    'a good list ends the failure',
  );
  assert.equal(reasons.length, 2);

  discovery.stop();
  assert.equal(timers.pending(), 0, 'no timer left behind');
});

test('a source that names another partner does not use the list of the one before', () => {
  const discovery = new CustomerDiscovery({ log: createCaptureLog(), timers: fakeTimers(0) });
  discovery.configure([source]);
  return discovery.refresh({ list: () => Promise.resolve([contoso]) }).then((changed) => {
    assert.equal(changed, true);
    const other = { ...source, partner: { ...partner, tenantId: '44444444-4444-4444-8444-444444444444' } };
    assert.equal(discovery.customers(other), undefined);
    discovery.configure([other]);
    assert.equal(discovery.customers(source), undefined);
  });
});
