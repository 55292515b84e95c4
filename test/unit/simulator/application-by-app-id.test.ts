import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONTOSO,
  CONTOSO_APP,
  CONTOSO_SECRET,
  fakeClock,
  fetchToken,
  graphGet,
  startFromYaml,
  T0,
} from './sim-helpers.ts';

const SCENARIO = `
tenants:
  - name: contoso
    tenant_id: ${CONTOSO}
    clients: [{ client_id: ${CONTOSO_APP}, client_secret: ${CONTOSO_SECRET} }]
    applications:
      - id: 99999999-0000-4000-8000-000000000001
        app_id: ${CONTOSO_APP}
        name: Contoso monitoring
        password_credentials: [{ key_id: aaaaaaaa-0000-4000-8000-000000000001, end: 10d, hint: sim, name: agent }]
        key_credentials: [{ key_id: bbbbbbbb-0000-4000-8000-000000000001, end: 2026-01-01T00:00:00Z }]
`;

test("applications(appId='…'): the app with $select honoured, 400 for an unknown property, 404 for another appId", async () => {
  const clock = fakeClock();
  const sim = await startFromYaml(SCENARIO, { clock: clock.now });
  try {
    const token = await fetchToken(sim);
    const get = (path: string) => graphGet(sim, `${sim.url}/v1.0/${path}`, token);
    const found = await get(`applications(appId='${CONTOSO_APP}')?$select=displayName,passwordCredentials`);
    assert.equal(found.status, 200);
    assert.deepEqual(await found.json(), {
      '@odata.context': `${sim.url}/v1.0/$metadata#applications/$entity`,
      displayName: 'Contoso monitoring',
      passwordCredentials: [
        {
          keyId: 'aaaaaaaa-0000-4000-8000-000000000001',
          endDateTime: new Date(T0 + 10 * 86_400_000).toISOString(),
          displayName: 'agent',
          hint: 'sim',
        },
      ],
    });
    const unknown = await get(`applications(appId='${CONTOSO_APP}')?$select=id,secrets`);
    assert.equal(unknown.status, 400);
    assert.match(
      await unknown.text(),
      /Could not find a property named 'secrets' on type 'microsoft\.graph\.application'/,
    );
    const other = await get("applications(appId='00000000-0000-4000-8000-000000000000')");
    assert.equal(other.status, 404);
    assert.match(await other.text(), /Request_ResourceNotFound/);
  } finally {
    await sim.close();
  }
});
