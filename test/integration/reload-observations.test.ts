import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config, TenantConfig } from '../../src/config/types.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk, type TelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';
import { contosoTenant } from '../helpers/hand-polled-agent.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);

let simulator: Simulator;
let telemetry: TelemetrySdk;
before(async () => {
  simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
  telemetry = createTelemetrySdk({
    exporter: undefined,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
  });
});
after(async () => {
  await telemetry.shutdown(1_000);
  await simulator.close();
});

const contoso = (intervalMs: number): TenantConfig => contosoTenant(simulator, { intervalMs });

test('a reload carries a changed tenant’s last outcome over to its new settings; a tenant added again starts afresh', async () => {
  const config: Config = {
    exporter: CLOSED_PORT_EXPORTER,
    tenants: [contoso(60_000)],
    metrics: {},
    resource: {},
    serviceName: 'm365-health',
    stateDir: undefined,
    spoolMaxBytes: 64 * 1024 * 1024,
    warnings: [],
  };
  const { agent, applyTenants } = await buildAgent(config, { telemetry, log: SILENT_LOG });
  await agent.pollAll();
  const [polled] = agent.observations();
  assert.ok(polled.outcome?.ok && polled.views !== undefined, 'polled');

  assert.deepEqual(await applyTenants([contoso(120_000)]), {
    added: [],
    removed: [],
    restarted: ['contoso'],
    unchanged: 0,
  });
  const [carried] = agent.observations();
  assert.equal(carried.tenant.intervalMs, 120_000);
  assert.deepEqual(
    [carried.outcome, carried.polledAt, carried.lastSuccessAt],
    [polled.outcome, polled.polledAt, polled.lastSuccessAt],
  );
  assert.equal(carried.views, polled.views);

  await applyTenants([]);
  assert.deepEqual(agent.observations(), []);
  await applyTenants([contoso(120_000)]);
  const [fresh] = agent.observations();
  assert.deepEqual([fresh.outcome, fresh.views, fresh.lastSuccessAt], [undefined, undefined, undefined]);
});
