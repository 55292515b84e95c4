import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config, TenantConfig } from '../../src/config/types.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CollectingExporter, collectPoints, NEVER_MS } from '../helpers/collecting-exporter.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';
import { contosoTenant } from '../helpers/hand-polled-agent.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);

describe('severity rules in the agent', () => {
  let simulator: Simulator;
  before(async () => {
    simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
  });
  after(() => simulator.close());

  /** Health of each service of contoso after one poll, with the given tenant settings. */
  async function healthWith(settings: Partial<TenantConfig>): Promise<Record<string, number>> {
    const tenant = contosoTenant(simulator, settings);
    const config: Config = {
      exporter: CLOSED_PORT_EXPORTER,
      tenants: [tenant],
      metrics: {},
      resource: {},
      serviceName: 'm365-health',
      stateDir: undefined,
      spoolMaxBytes: 64 * 1024 * 1024,
      warnings: [],
    };
    const metrics = new CollectingExporter();
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
      metricExporters: [{ exporter: metrics, intervalMs: NEVER_MS }],
    });
    try {
      await (await buildAgent(config, { telemetry, log: SILENT_LOG })).agent.pollAll();
      const points = (await collectPoints(metrics, () => telemetry.forceFlush())).filter(
        (p) => p.name === 'm365.service.health',
      );
      return Object.fromEntries(points.map((p) => [String(p.attributes['m365.service.id']), p.value]));
    } finally {
      await telemetry.shutdown(1_000);
    }
  }

  test('the tenant’s expressions replace the built-in rule for gauges, from the first poll', async () => {
    const builtIn = await healthWith({});
    assert.deepEqual(
      builtIn,
      { Exchange: 1, microsoftteams: 0, SharePoint: 0, OSDPPlatform: 0 },
      'the open advisory warns',
    );
    const strict = await healthWith({
      severity: { critical: '%{status} =~ /degradation/i', warning: '' },
    });
    assert.deepEqual(strict, { Exchange: 2, microsoftteams: 0, SharePoint: 0, OSDPPlatform: 0 });
    const quiet = await healthWith({
      severity: { critical: '%{classification} eq "incident"', warning: '' },
    });
    assert.deepEqual(quiet, { Exchange: 0, microsoftteams: 0, SharePoint: 0, OSDPPlatform: 0 });
  });
});
