import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  formatSimulatorBanner,
  loadDefaultScenario,
  runSimulatorFromFile,
  startSimulator,
} from '../../../src/simulator/index.ts';
import { fetchToken, graphGet } from './sim-helpers.ts';

const BASIC = fileURLToPath(new URL('../../../config/scenarios/test-basic.yaml', import.meta.url));

test('runSimulatorFromFile serves the scenario of the file', async () => {
  const sim = await runSimulatorFromFile(BASIC, { host: '127.0.0.1', port: 0 });
  try {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await graphGet(sim, 'healthOverviews', await fetchToken(sim));
    const ids = ((await res.json()) as { value: Array<{ id: string; status: string }> }).value.map(
      (s) => `${s.id}=${s.status}`,
    );
    assert.deepEqual(ids, [
      'Exchange=serviceDegradation',
      'microsoftteams=serviceOperational',
      'SharePoint=serviceOperational',
      'OSDPPlatform=serviceOperational',
    ]);
  } finally {
    await sim.close();
  }
});

test('the banner shows the URLs, tenants and demo credentials', async () => {
  const sim = await startSimulator({ scenario: await loadDefaultScenario() });
  try {
    const banner = formatSimulatorBanner(sim);
    assert.ok(banner.startsWith(`m365-health simulator listening on ${sim.url}\n`));
    for (const expected of [
      `${sim.url}/{tenant}/v2.0`,
      `${sim.url}/v1.0/admin/serviceAnnouncement/healthOverviews`,
      `scope           ${sim.url}/.default`,
      '  contoso  tenant 11111111-1111-1111-1111-111111111111 (contoso.onmicrosoft.com), 27 services, tokens 3599s',
      '    client 22222222-2222-2222-2222-222222222222  secret sim-contoso-secret\n',
      '    client 66666666-6666-6666-6666-666666666666  secret sim-no-permission  (no ServiceHealth.Read.All)',
      '    client 44444444-4444-4444-4444-444444444444  secret sim-fabrikam-secret',
      'timeline: 8 events, repeats every 3m',
    ]) {
      assert.ok(banner.includes(expected), `banner lacks ${expected}:\n${banner}`);
    }
  } finally {
    await sim.close();
  }
});
