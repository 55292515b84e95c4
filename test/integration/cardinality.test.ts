import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config } from '../../src/config/types.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { loadDefaultScenario, startSimulator, type Scenario, type Simulator } from '../../src/simulator/index.ts';
import { METRICS } from '../../src/catalogue/catalogue.ts';
import { ATTR_TENANT_NAME } from '../../src/catalogue/semconv.ts';
import {
  ALL_METRICS_TENANT_SERIES,
  DEFAULT_TENANT_SERIES,
  DEFAULT_TENANT_SERVICES,
  LEGACY_FEATURE_GROUPS,
  FLEET_SERIES,
  SERIES_BUDGET,
  tenantSeries,
} from '../../scripts/render-docs.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CollectingExporter, collectPoints, NEVER_MS, seriesKeys } from '../helpers/collecting-exporter.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';
import { scenarioTenant } from '../helpers/hand-polled-agent.ts';

/** The default scenario's first tenant: all its services, with or without its issues, and no timeline. */
async function defaultTenantScenario(withIssues: boolean): Promise<Scenario> {
  const scenario = await loadDefaultScenario();
  const tenant = scenario.tenants[0];
  return {
    tenants: [{ ...tenant, issues: withIssues ? tenant.issues : [] }],
    timeline: [],
    loopMs: undefined,
    pages: undefined,
  };
}

/** Every metric turned on. */
const EVERY_METRIC: Config['metrics'] = Object.fromEntries(METRICS.map((metric) => [metric.name, { enabled: true }]));

/** The process-wide series (no tenant attribute) of the last collection of {@link countSeries}, by configuration. */
const processSeries = new Map<string, Set<string>>();
const name = (metrics: Config['metrics']) => (Object.keys(metrics).length === 0 ? 'default' : 'every metric');

/** Series of the tenant at one collection after one good poll, with the default configuration or `metrics`. */
async function countSeries(simulator: Simulator, metrics: Config['metrics'] = {}): Promise<Map<string, number>> {
  const config: Config = {
    exporter: CLOSED_PORT_EXPORTER,
    tenants: [scenarioTenant(simulator, 0, { intervalMs: 300_000, timeoutMs: 30_000 })],
    metrics,
    resource: {},
    serviceName: 'm365-health',
    stateDir: undefined,
    spoolMaxBytes: 64 * 1024 * 1024,
    warnings: [],
  };
  const exporter = new CollectingExporter();
  const telemetry = createTelemetrySdk({
    exporter: undefined,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
    metricExporters: [{ exporter, intervalMs: NEVER_MS }],
  });
  try {
    const { agent } = await buildAgent(config, { telemetry, log: SILENT_LOG });
    await agent.pollAll();
    const byMetric = new Map<string, number>();
    const points = await collectPoints(exporter, () => telemetry.forceFlush());
    const [tenantPoints, processPoints] = [true, false].map((tenant) =>
      points.filter((point) => (point.attributes[ATTR_TENANT_NAME] !== undefined) === tenant),
    );
    for (const key of seriesKeys(tenantPoints)) {
      const name = key.split(' ')[0];
      byMetric.set(name, (byMetric.get(name) ?? 0) + 1);
    }
    processSeries.set(name(metrics), seriesKeys(processPoints));
    return byMetric;
  } finally {
    await telemetry.shutdown(1_000);
  }
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

describe('series per tenant with the default configuration', () => {
  let healthy: Simulator;
  let withIssues: Simulator;
  before(async () => {
    healthy = await startSimulator({ scenario: await defaultTenantScenario(false) });
    withIssues = await startSimulator({ scenario: await defaultTenantScenario(true) });
  });
  after(async () => {
    await healthy.close();
    await withIssues.close();
  });

  test(`a tenant of ${DEFAULT_TENANT_SERVICES} services and no issue: ${DEFAULT_TENANT_SERIES} series by default, as docs/telemetry.md states, within the budget of ${SERIES_BUDGET}`, async () => {
    const counts = await countSeries(healthy);
    assert.equal(healthy.scenario.tenants[0].services.length, DEFAULT_TENANT_SERVICES);
    assert.deepEqual(Object.fromEntries(counts), {
      'm365.service.health': DEFAULT_TENANT_SERVICES,
      'm365.service.issues': DEFAULT_TENANT_SERVICES * 2,
      'm365.poll.duration': 1,
      'm365.poll.success': 1,
      'm365.data.age': 1,
      'm365.token.expiry': 1,
      'm365.graph.requests': 1,
    });
    assert.equal(total(counts), DEFAULT_TENANT_SERIES);
    assert.ok(total(counts) <= SERIES_BUDGET, `${total(counts)} series`);
  });

  test(`the fleet gauges add ${FLEET_SERIES} series to the process, none to the tenant: 4 per service and 2`, async () => {
    await countSeries(healthy);
    const fleet = [...processSeries.get('default')!].filter((key) => key.startsWith('m365.fleet.'));
    assert.equal(fleet.length, FLEET_SERIES);
    assert.equal(
      fleet.filter((key) => key.startsWith('m365.fleet.service.tenants ')).length,
      DEFAULT_TENANT_SERVICES * 4,
    );
    assert.deepEqual(
      fleet.filter((key) => key.startsWith('m365.fleet.issue.tenants ')),
      [
        'm365.fleet.issue.tenants [["m365.issue.classification","incident"]]',
        'm365.fleet.issue.tenants [["m365.issue.classification","advisory"]]',
      ],
    );
  });

  test('with every metric turned on: the status state set and the feature groups too, as the catalogue counts them', async () => {
    const counts = await countSeries(healthy, EVERY_METRIC);
    const expected = METRICS.filter((metric) => tenantSeries(metric) > 0).map((m) => [m.name, tenantSeries(m)]);
    assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(expected));
    assert.equal(counts.get('m365.service.status'), DEFAULT_TENANT_SERVICES * 12);
    assert.equal(total(counts), ALL_METRICS_TENANT_SERIES);
  });

  test('issues add only the feature groups the legacy catalogue lacks, never a series per issue', async () => {
    assert.equal(total(await countSeries(withIssues)), DEFAULT_TENANT_SERIES, 'by default, issues add no series');
    const counts = await countSeries(withIssues, EVERY_METRIC);
    assert.equal(
      counts.get('m365.feature.health'),
      LEGACY_FEATURE_GROUPS + 1,
      'the open advisory names the group Portal',
    );
    assert.equal(total(counts), ALL_METRICS_TENANT_SERIES + 1);
  });
});
