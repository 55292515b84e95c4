import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Secret } from '../../../src/shared/secret.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import { STATE_SET_STATUSES } from '../../../src/health/status.ts';
import { CLASSIFICATIONS, SeriesParts } from '../../../src/telemetry/series-parts.ts';

function tenant(name: string): TenantConfig {
  return {
    name,
    tenantId: `${name}.onmicrosoft.com`,
    clientId: '11111111-2222-3333-4444-555555555555',
    clientSecret: new Secret('s'),
    cloud: 'global',
    endpoints: { login: 'https://login.example', graph: 'https://graph.example' },
    intervalMs: 60_000,
    timeoutMs: 10_000,
  };
}

function view(): ServiceView {
  const features = [{ group: 'Sign-in', health: 0 as const }];
  return {
    id: 'Exchange',
    name: 'Exchange Online',
    status: 'serviceOperational',
    rawStatus: '',
    health: 0,
    openIssues: [],
    features,
  };
}

describe('the attribute parts of the gauges', () => {
  test('are made once per tenant configuration and per values, and shared between tenants with the same values', () => {
    const parts = new SeriesParts();
    const contoso = tenant('contoso');
    assert.equal(parts.tenant(contoso), parts.tenant(contoso));
    assert.deepEqual(parts.tenant(contoso), [{ 'm365.tenant.name': 'contoso' }], 'the id is left to the events');
    const [a, b] = [view(), view()];
    assert.equal(parts.service(a), parts.service(b), 'interned: the same service in two tenants');
    assert.deepEqual(parts.service(a), { 'm365.service.id': 'Exchange', 'm365.service.name': 'Exchange Online' });
    assert.equal(parts.feature(a.features[0]), parts.feature(b.features[0]));
    assert.deepEqual(parts.feature(a.features[0]), {
      'm365.feature.group': 'Sign-in',
      'm365.feature.name': 'Sign-in',
    });
    assert.ok(Object.isFrozen(parts.service(a)));
    assert.deepEqual(
      parts.service({ ...a, name: 'Exchange' }),
      { 'm365.service.id': 'Exchange', 'm365.service.name': 'Exchange' },
      'a service found by its id still carries the name it has now',
    );
    assert.deepEqual(parts.service(b), { 'm365.service.id': 'Exchange', 'm365.service.name': 'Exchange Online' });
  });

  test('one state part per state of the set and one classification part each, in order', () => {
    const parts = new SeriesParts();
    assert.deepEqual(
      parts.states.map((part) => part['m365.service.state']),
      [...STATE_SET_STATUSES],
    );
    assert.deepEqual(
      parts.classifications.map((part) => part['m365.issue.classification']),
      [...CLASSIFICATIONS],
    );
  });

  test('two sets of instruments do not share their parts', () => {
    const contoso = tenant('contoso');
    assert.notEqual(new SeriesParts().tenant(contoso), new SeriesParts().tenant(contoso));
    assert.notEqual(new SeriesParts().states[0], new SeriesParts().states[0]);
  });
});
