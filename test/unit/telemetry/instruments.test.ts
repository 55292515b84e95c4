import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { observed } from '../../helpers/observed.ts';
import { Secret } from '../../../src/shared/secret.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { createEventsDroppedRecorder, registerInstruments } from '../../../src/telemetry/instruments.ts';
import { createCollectingMeter, type CollectedPoint } from '../../helpers/collecting-exporter.ts';
import type { GaugeRegistry } from '../../../src/telemetry/gauge-producer.ts';
import { fakeEstate } from '../../helpers/fake-estate.ts';

const TENANT: TenantConfig = {
  name: 'contoso',
  tenantId: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
  clientSecret: new Secret('s'),
  cloud: 'global',
  endpoints: { login: 'https://login.example', graph: 'https://graph.example' },
  intervalMs: 60_000,
  timeoutMs: 10_000,
};

function setup(isEnabled: (name: string) => boolean = () => true) {
  const { meter, gauges, points } = createCollectingMeter();
  let now = 1_000_000;
  const views = [
    {
      id: 'Exchange',
      name: 'Exchange Online',
      status: 'serviceDegradation',
      rawStatus: 'serviceDegradation',
      health: 1,
      openIssues: [],
      features: [
        { group: 'Sign-in', health: 1 },
        { group: 'Voice mail', health: 0 },
      ],
    },
  ] as const;
  const observation = observed(TENANT, { outcome: { ok: true }, lastSuccessAt: now, views });
  registerInstruments(meter, { observations: () => [observation], clock: () => now }, isEnabled, gauges);
  return { points, meter, advance: (ms: number) => void (now += ms) };
}

const featureHealth = async (points: () => Promise<CollectedPoint[]>) =>
  (await points())
    .filter((p) => p.name === 'm365.feature.health')
    .map((p) => [p.attributes['m365.feature.group'], p.attributes['m365.feature.name'], p.value]);

describe('credential expiry', () => {
  test('one series with the kind of the credential, counting down to 0; none while its expiry is unknown', async () => {
    const { meter, gauges, points } = createCollectingMeter();
    let now = 1_000_000;
    const at = now + 30 * 86_400_000;
    const withCertificate = observed(TENANT, { credentialExpiresAt: at, credentialKind: 'certificate' });
    const withSecret = observed(
      { ...TENANT, name: 'fabrikam' },
      { credentialExpiresAt: at + 1000, credentialKind: 'secret' },
    );
    const unknown = observed({ ...TENANT, name: 'tailspin' }, {});
    const source = { observations: () => [withCertificate, withSecret, unknown], clock: () => now };
    registerInstruments(meter, source, () => true, gauges);
    const expiry = async () =>
      (await points()).filter((p) => p.name === 'm365.credential.expiry').map((p) => [p.attributes, p.value]);
    const attributes = { 'm365.tenant.name': 'contoso', 'm365.credential.kind': 'certificate' };
    const secret = { 'm365.tenant.name': 'fabrikam', 'm365.credential.kind': 'secret' };
    assert.deepEqual(await expiry(), [
      [attributes, 30 * 86_400],
      [secret, 30 * 86_400 + 1],
    ]);
    now += 31 * 86_400_000;
    assert.deepEqual(await expiry(), [
      [attributes, 0],
      [secret, 0],
    ]);
  });
});

describe('feature health and process metrics', () => {
  test('one series per feature group, named by the group; unknown (3) once the data is stale', async () => {
    const { points, advance } = setup();
    assert.deepEqual(await featureHealth(points), [
      ['Sign-in', 'Sign-in', 1],
      ['Voice mail', 'Voice mail', 0],
    ]);
    advance(3 * 60_000 + 1);
    assert.deepEqual(await featureHealth(points), [
      ['Sign-in', 'Sign-in', 3],
      ['Voice mail', 'Voice mail', 3],
    ]);
  });

  test('metrics: { m365.feature.health: { enabled: false } } removes the series', async () => {
    const { points } = setup((name) => name !== 'm365.feature.health');
    assert.deepEqual(await featureHealth(points), []);
  });

  test('a metric turned off is not observed at all, not observed and then dropped', () => {
    const observedNames = new Set<string>();
    const registry: GaugeRegistry = {
      register: (_descriptors, items, observeItem) => {
        for (const item of items()) observeItem(item, (name) => observedNames.add(name));
      },
    };
    const observation = observed(TENANT, {
      outcome: { ok: true },
      lastSuccessAt: 1_000_000,
      views: [
        {
          id: 'Exchange',
          name: 'Exchange Online',
          status: 'serviceOperational',
          rawStatus: 'serviceOperational',
          health: 0,
          openIssues: [],
          features: [{ group: 'Sign-in', health: 0 }],
        },
      ],
    });
    const off = new Set(['m365.service.status', 'm365.feature.health', 'm365.service.issues']);
    const { meter } = createCollectingMeter();
    const source = { observations: () => [observation], clock: () => 1_000_000 };
    registerInstruments(meter, source, (name) => !off.has(name), registry);
    assert.ok(observedNames.has('m365.service.health'));
    assert.deepEqual(
      [...off].filter((name) => observedNames.has(name)),
      [],
    );
  });

  test('the outbox’s drops are counted by reason, without tenant attributes, and not at all when turned off', async () => {
    const { points, meter } = setup();
    const record = createEventsDroppedRecorder(meter, () => true);
    record(3, 'overflow');
    record(1, 'overflow');
    record(1, 'corrupt');
    const dropped = (await points()).filter((p) => p.name === 'm365.events.dropped');
    assert.deepEqual(
      dropped.map((p) => [p.attributes, p.value]),
      [
        [{ 'error.type': 'overflow' }, 4],
        [{ 'error.type': 'corrupt' }, 1],
      ],
    );
    const off = setup();
    createEventsDroppedRecorder(off.meter, (name) => name !== 'm365.events.dropped')(5, 'overflow');
    assert.deepEqual(
      (await off.points()).filter((p) => p.name === 'm365.events.dropped'),
      [],
    );
  });
});

describe('fleet gauges', () => {
  test('tenants per service and health, and per classification of the issues they see, without a tenant attribute', async () => {
    const { meter, gauges, points } = createCollectingMeter();
    const now = Date.parse('2026-11-27T12:00:00Z');
    const estate = fakeEstate(20, now);
    registerInstruments(meter, { observations: () => estate, clock: () => now }, () => true, gauges);
    const fleet = (await points()).filter((p) => p.name.startsWith('m365.fleet.'));
    const teams = fleet
      .filter((p) => p.attributes['m365.service.name'] === 'Microsoft Teams')
      .map((p) => [p.attributes['m365.service.health_state'], p.value]);
    // Tenants 0 and 10 see the incident; tenant 0 failed with data four intervals old.
    assert.deepEqual(teams, [
      ['ok', 18],
      ['warning', 0],
      ['critical', 1],
      ['unknown', 1],
    ]);
    const issues = fleet
      .filter((p) => p.name === 'm365.fleet.issue.tenants')
      .map((p) => [p.attributes['m365.issue.classification'], p.value]);
    assert.deepEqual(issues, [
      ['incident', 2],
      ['advisory', 3],
    ]);
    assert.equal(fleet.length, 27 * 4 + 2);
    assert.ok(fleet.every((p) => !('m365.tenant.name' in p.attributes)));
  });
});
