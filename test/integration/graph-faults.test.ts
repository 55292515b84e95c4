import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Agent } from '../../src/agent/agent.ts';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { buildDemoConfig } from '../../src/cli/demo/demo-config.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { loadDefaultScenario, startSimulator, type Fault, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';

const HEALTH = '/v1.0/admin/serviceAnnouncement/healthOverviews';

/** The agent's graph path under the simulator's fault modes: each fault is one tenant's error, never the other's. */
describe('Graph faults: a per-tenant error, the other tenant unaffected, recovery at the next poll', () => {
  let simulator: Simulator;
  let agent: Agent;
  before(async () => {
    simulator = await startSimulator({ scenario: await loadDefaultScenario() });
    const base = buildDemoConfig({
      simulatorUrl: simulator.url,
      scenario: simulator.scenario,
      intervalMs: 60_000,
      statusPort: 0,
      exporter: CLOSED_PORT_EXPORTER,
    });
    const config = { ...base, tenants: base.tenants.map((tenant) => ({ ...tenant, timeoutMs: 2500 })) };
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    ({ agent } = await buildAgent(config, { telemetry, log: SILENT_LOG }));
    await agent.pollAll();
  });
  after(() => simulator.close());

  const outcome = (name: string) => {
    const { outcome } = agent.observations().find((o) => o.tenant.name === name)!;
    return outcome?.ok !== false ? 'ok' : `${outcome.error.code}: ${outcome.error.message}`;
  };

  async function pollWith(fault: Fault): Promise<{ contoso: string; fabrikam: string; recovered: string }> {
    simulator.injectFault({ path: HEALTH, tenant: 'contoso', ...fault });
    await agent.pollAll();
    const result = { contoso: outcome('contoso'), fabrikam: outcome('fabrikam') };
    simulator.clearFaults();
    await agent.pollAll();
    return { ...result, recovered: outcome('contoso') };
  }

  test('429 with a fractional Retry-After is waited out within the poll', async () => {
    const result = await pollWith({ status: 429, retryAfter: '0.3', count: 2 });
    assert.deepEqual(result, { contoso: 'ok', fabrikam: 'ok', recovered: 'ok' });
  });

  test('429 with a Retry-After past the deadline: throttled, said so', async () => {
    const result = await pollWith({ status: 429, retryAfter: '30', count: 5 });
    assert.match(result.contoso, /^GRAPH_THROTTLED: still throttled \(HTTP 429\) at the deadline/);
    assert.equal(result.fabrikam, 'ok');
    assert.equal(result.recovered, 'ok');
  });

  test('a burst of 503s longer than the poll', async () => {
    const result = await pollWith({ status: 503, count: 20 });
    assert.match(result.contoso, /^GRAPH_ERROR: still failing \(HTTP 503\) at the deadline/);
    assert.equal(result.fabrikam, 'ok');
    assert.equal(result.recovered, 'ok');
  });

  test('a hanging Graph is cut by the poll timeout', async () => {
    const started = Date.now();
    const result = await pollWith({ hang: true });
    assert.match(result.contoso, /^TIMEOUT: /);
    assert.ok(Date.now() - started < 8000);
    assert.equal(result.fabrikam, 'ok');
    assert.equal(result.recovered, 'ok');
  });

  test('a reset connection, an HTML page, a truncated and an empty body', async () => {
    assert.match((await pollWith({ reset: true })).contoso, /^NETWORK: cannot reach Microsoft Graph/);
    const html = await pollWith({ body: 'html' });
    assert.match(html.contoso, /^GRAPH_BAD_RESPONSE: Cannot decode json response: .*\(HTTP 200, text\/html/);
    assert.match((await pollWith({ body: 'truncated' })).contoso, /^GRAPH_BAD_RESPONSE: Cannot decode json response/);
    const empty = await pollWith({ body: 'empty' });
    assert.match(empty.contoso, /^GRAPH_BAD_RESPONSE: /);
    assert.equal(empty.recovered, 'ok');
  });

  test('tokens expired under the agent: one fresh token, no error', async () => {
    const tokenRequests = () => simulator.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
    const before = tokenRequests();
    const result = await pollWith({ expireTokens: true });
    assert.deepEqual(result, { contoso: 'ok', fabrikam: 'ok', recovered: 'ok' });
    assert.equal(tokenRequests(), before + 1);
  });
});
