import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TenantConfig } from '../../../src/config/types.ts';
import { ObservationStore } from '../../../src/observation/observation-store.ts';
import { startObservation } from '../../../src/observation/observation.ts';
import { observed } from '../../helpers/observed.ts';

const tenant = (name: string) => ({ name, tenantId: `${name}-id`, intervalMs: 60_000 }) as TenantConfig;
const polled = (name: string, at: number) =>
  observed(tenant(name), { outcome: { ok: true }, polledAt: at, pollDurationMs: 100 });

test('the store keeps the latest observation of each tenant, in the order its tenants were set', () => {
  const store = new ObservationStore();
  const [contoso, fabrikam] = [startObservation(tenant('contoso'), undefined), polled('fabrikam', 1)];
  store.reset([contoso, fabrikam]);
  assert.deepEqual(store.observations(), [contoso, fabrikam]);
  const later = polled('contoso', 2);
  store.put(later);
  assert.deepEqual(store.observations(), [later, fabrikam], 'replaced in place');
  assert.equal(store.latest('contoso'), later);
  store.reset([fabrikam, polled('northwind', 3)]);
  assert.deepEqual(
    store.observations().map((observation) => observation.tenant.name),
    ['fabrikam', 'northwind'],
  );
  assert.equal(store.latest('contoso'), undefined, 'a tenant no longer set is gone');
});

test('a snapshot is frozen, shared until the next change, and left as it was by later ones', () => {
  const store = new ObservationStore();
  const first = polled('contoso', 1);
  store.reset([first]);
  const snapshot = store.observations();
  assert.ok(Object.isFrozen(snapshot) && Object.isFrozen(snapshot[0]));
  assert.equal(store.observations(), snapshot, 'no copy while nothing changed');
  store.put(polled('contoso', 2));
  assert.deepEqual(snapshot, [first]);
  assert.notEqual(store.observations(), snapshot);
  assert.equal(store.observations()[0].polledAt, 2);
});
