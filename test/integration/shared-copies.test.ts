import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config, TenantConfig } from '../../src/config/types.ts';
import { SILENT_LOG } from '../../src/log.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk, type TelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';
import { contosoTenant } from '../helpers/hand-polled-agent.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);

describe('the copies an agent keeps of its tenants’ views are shared by its tenants, and by no other agent', () => {
  let simulator: Simulator;
  const sdks: TelemetrySdk[] = [];
  before(async () => {
    simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
  });
  after(async () => {
    await Promise.all(sdks.map((sdk) => sdk.shutdown(1_000)));
    await simulator.close();
  });

  /** A tenant of the agent: every one reads the simulator's contoso, so all see the same services. */
  const tenant = (name: string): TenantConfig => contosoTenant(simulator, { name });

  /** An agent of `names`, polled once. */
  async function agentPolled(...names: string[]) {
    const config: Config = {
      exporter: CLOSED_PORT_EXPORTER,
      tenants: names.map(tenant),
      metrics: {},
      resource: {},
      serviceName: 'm365-health',
      stateDir: undefined,
      spoolMaxBytes: 64 * 1024 * 1024,
      warnings: [],
    };
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    sdks.push(telemetry);
    const assembled = await buildAgent(config, { telemetry, log: SILENT_LOG });
    await assembled.agent.pollAll();
    return assembled;
  }

  const viewsOf = (observations: readonly Observation[], name: string) => {
    const views = observations.find((observation) => observation.tenant.name === name)?.views;
    assert.ok(views !== undefined && views.length === 4, `${name} was polled: ${JSON.stringify(views)}`);
    return views;
  };

  test('two tenants of one agent, and one added by a reload, keep one copy; another agent keeps its own', async () => {
    const first = await agentPolled('contoso', 'fabrikam');
    await first.applyTenants(['contoso', 'fabrikam', 'northwind'].map(tenant));
    await first.agent.pollAll();
    const [contoso, fabrikam, northwind] = ['contoso', 'fabrikam', 'northwind'].map((name) =>
      viewsOf(first.agent.observations(), name),
    );
    const quiet = contoso.findIndex((view) => view.openIssues.length === 0);
    assert.ok(quiet >= 0, 'a service without open issues');
    assert.equal(fabrikam[quiet], contoso[quiet], 'one copy for the tenants of one agent');
    assert.equal(northwind[quiet], contoso[quiet], 'and for a tenant added by a reload');
    const open = contoso.findIndex((view) => view.openIssues.length > 0);
    assert.equal(fabrikam[open].features, contoso[open].features, 'the feature list of a service with an issue too');

    const second = await agentPolled('contoso');
    const elsewhere = viewsOf(second.agent.observations(), 'contoso');
    assert.deepEqual(elsewhere, contoso, 'another agent sees the same');
    assert.notEqual(elsewhere[quiet], contoso[quiet], 'in copies of its own');
    assert.notEqual(elsewhere[open].features, contoso[open].features);
  });
});
