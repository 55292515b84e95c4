import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config, TenantConfig } from '../../src/config/types.ts';
import { createLog } from '../../src/log.ts';
import { parseScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { EVENTS, METRICS } from '../../src/catalogue/catalogue.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { registerExportMetrics } from '../../src/telemetry/export-metrics.ts';
import { startOtlpReceiver, type OtlpReceiver, exporterTo } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';
import { scenarioTenant } from '../helpers/hand-polled-agent.ts';

const SCENARIO = `
tenants:
  - name: contoso
    tenant_id: 11111111-1111-1111-1111-111111111111
    clients:
      - { client_id: 22222222-2222-2222-2222-222222222222, client_secret: contoso-secret }
    services: [Exchange, microsoftteams]
    messages:
      - { id: MC100001, title: Old news, start: -1d }
      - { id: MC100002, title: A retirement, severity: high, services: [Exchange], tags: [Retirement], start: -1h, modified: 30s, body: "<p>Move to <b>OAuth</b>.</p>" }
      - { id: MC100003, title: A new feature, category: planForChange, services: [microsoftteams], start: 60s }
    applications:
      - id: 99999999-0000-4000-8000-000000000001
        app_id: 22222222-2222-2222-2222-222222222222
        name: m365-health
        password_credentials: [{ key_id: aaaaaaaa-0000-4000-8000-000000000001, end: 20d, hint: con, name: agent }]
  - name: fabrikam
    tenant_id: 33333333-3333-3333-3333-333333333333
    clients:
      - { client_id: 44444444-4444-4444-4444-444444444444, client_secret: fabrikam-secret, message_permission: false }
    services: [Exchange]
`;

function tenant(simulator: Simulator, index: number): TenantConfig {
  return scenarioTenant(simulator, index, {
    events: { messages: true },
    credentialExpiry: { readApp: true, homeTenant: undefined, warnBeforeDays: [30, 7] },
  });
}

const EXPORT_METRICS = new Set([
  'm365.export.requests',
  'otel.sdk.exporter.metric_data_point.exported',
  'otel.sdk.exporter.log.exported',
]);

describe('an agent run with every kind of telemetry', () => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  let stateDir: string;
  let offset = 0;
  const warnings: string[] = [];
  before(async () => {
    const base = Date.now();
    simulator = await startSimulator({ scenario: parseScenario(SCENARIO), clock: () => base + offset });
    receiver = await startOtlpReceiver();
    stateDir = await mkdtemp(join(tmpdir(), 'm365-catalogue-'));
  });
  after(async () => {
    await receiver.close();
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function startAgent(metrics: Config['metrics'] = {}) {
    const config: Config = {
      exporter: exporterTo(receiver),
      tenants: [tenant(simulator, 0), tenant(simulator, 1)],
      metrics,
      resource: {},
      serviceName: 'm365-health',
      stateDir,
      spoolMaxBytes: 64 * 1024 * 1024,
      warnings: [],
    };
    const log = createLog({ level: 'warn', format: 'text', write: (line) => warnings.push(line), clock: Date.now });
    const telemetry = createTelemetrySdk({
      exporter: config.exporter,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    registerExportMetrics(
      telemetry.meter,
      () => telemetry.exports.tallies(),
      () => true,
    );
    const { agent, saved } = await buildAgent(config, { telemetry, log });
    return {
      poll: async () => {
        await agent.pollAll();
        await telemetry.forceFlush();
      },
      // As `run` does: delivered events leave the state files before the next start reads them.
      stop: async () => {
        await telemetry.shutdown(5_000);
        await saved();
      },
    };
  }

  /** Each message update and its id past the tenant and the baseline: the step of the message stream and the message. */
  const messageEvents = () =>
    receiver
      .logs()
      .filter((r) => r.eventName === 'm365.message.update')
      .map((r) => {
        const step = textOf(r.attributes['m365.event.id']).split('/').slice(2).join('/');
        return `${textOf(r.attributes['m365.message.update_kind'])} ${step}`;
      });

  test('message-center posts: once per id and lastModifiedDateTime, across polls and restarts; a 403 reported once', async () => {
    let agent = await startAgent();
    await agent.poll();
    assert.deepEqual(messageEvents(), [], 'the backlog found on the first read is the baseline');
    offset = 45_000;
    await agent.poll();
    await agent.poll();
    assert.deepEqual(
      messageEvents().map((e) => e.replace(/@.*/, '')),
      ['updated m1/MC100002'],
    );
    const updated = receiver.logs().find((r) => r.eventName === 'm365.message.update')!;
    assert.equal(updated.severityText, 'WARN');
    assert.equal(
      updated.attributes['url.full'],
      'https://admin.microsoft.com/Adminportal/Home#/MessageCenter/:/messages/MC100002',
    );
    assert.deepEqual(updated.attributes['m365.message.services'], ['Exchange Online']);
    assert.match(
      textOf(updated.body),
      /^contoso: message MC100002 updated \(stayInformed, high\): A retirement\nMove to OAuth\.$/,
    );

    await agent.stop();
    offset = 90_000;
    agent = await startAgent();
    await agent.poll();
    await agent.poll();
    assert.deepEqual(
      messageEvents().map((e) => e.replace(/@.*/, '')),
      ['updated m1/MC100002', 'published m2/MC100003'],
      'numbered on across the restart',
    );
    assert.equal(
      receiver.latestValue('m365.poll.errors', { 'm365.tenant.name': 'fabrikam', 'error.type': 'GRAPH_FORBIDDEN' }),
      1,
    );
    assert.equal(
      receiver.latestValue('m365.poll.success', { 'm365.tenant.name': 'fabrikam' }),
      1,
      'the health poll itself succeeds',
    );
    assert.equal(
      warnings.filter((line) => line.includes('message center read failed') && line.includes('fabrikam')).length,
      2,
      'once per agent process',
    );
    await agent.stop();
  });

  test('every metric and event emitted is in the catalogue, with only the attributes it declares', async () => {
    const agent = await startAgent(Object.fromEntries(METRICS.map((m) => [m.name, { enabled: true }])));
    simulator.openIssue('contoso', {
      id: 'TM1',
      service: 'microsoftteams',
      classification: 'advisory',
      status: 'investigating',
      title: 'Chat is slow',
      featureGroup: 'Teams Components',
    });
    await agent.poll();
    simulator.updateIssue('contoso', 'TM1', { classification: 'incident', status: 'serviceDegradation' });
    await agent.poll();
    // The app's registration is read in the background: the next polls see it, and its secret's warning goes out.
    const warned = () => receiver.logs().some((r) => r.eventName === 'm365.credential.expiring');
    for (let i = 0; i < 100 && !warned(); i++) await agent.poll();
    await agent.poll();
    await agent.stop();

    const metrics = new Map(METRICS.map((m) => [m.name, new Set(m.attributes)]));
    for (const point of receiver.metrics()) {
      const declared = metrics.get(point.name);
      assert.ok(declared, `metric ${point.name} is not in the catalogue`);
      // The export metrics carry `error.type` on failures only, as the semantic conventions have it.
      const expected = [...declared].filter((key) => key !== 'error.type' || !EXPORT_METRICS.has(point.name));
      const actual = Object.keys(point.attributes).filter(
        (key) => key !== 'error.type' || !EXPORT_METRICS.has(point.name),
      );
      assert.deepEqual(actual.sort(), expected.sort(), `attributes of ${point.name}`);
    }
    const events = new Map(EVENTS.map((e) => [e.name, new Set(e.attributes)]));
    for (const record of receiver.logs()) {
      const declared = events.get(record.eventName);
      assert.ok(declared, `event ${record.eventName} is not in the catalogue`);
      for (const key of Object.keys(record.attributes))
        assert.ok(declared.has(key), `${record.eventName} carries undeclared ${key}`);
    }
    const emittedMetrics = new Set(receiver.metrics().map((p) => p.name));
    assert.deepEqual(
      METRICS.map((m) => m.name).filter((name) => !emittedMetrics.has(name)),
      ['m365.events.dropped'],
      'only the outbox’s counter is silent here',
    );
    assert.deepEqual([...new Set(receiver.logs().map((r) => r.eventName))].sort(), EVENTS.map((e) => e.name).sort());
    assert.equal(
      receiver.latestValue('m365.feature.health', {
        'm365.service.id': 'microsoftteams',
        'm365.feature.group': 'Teams Components',
      }),
      2,
    );
  });
});
