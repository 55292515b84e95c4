import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);
const SECRET = 'sim-contoso-secret';

/** The agent process end to end: simulator → openid-client → Graph → OTLP receiver, for one protocol. */
async function runAgentStory(protocol: 'http/protobuf' | 'http/json'): Promise<void> {
  const simulator: Simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
  const receiver: OtlpReceiver = await startOtlpReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'm365-e2e-'));
  const config = join(dir, 'agent.yaml');
  await writeFile(
    config,
    [
      'exporter:',
      `  endpoint: ${receiver.url}`,
      `  protocol: ${protocol}`,
      '  interval: 1s',
      '  timeout: 1s',
      'metrics: { m365.service.status: { enabled: true } }',
      'tenants:',
      '  - name: contoso',
      '    tenant_id: 11111111-1111-1111-1111-111111111111',
      '    client_id: 22222222-2222-2222-2222-222222222222',
      '    client_secret: ${env:CONTOSO_SECRET}',
      `    endpoints: { login: ${simulator.url}, graph: ${simulator.url} }`,
      '    interval: 5s',
      '    timeout: 4s',
    ].join('\n'),
  );
  const agent = spawnCli(['run', '--config', config, '--log-level', 'debug'], { CONTOSO_SECRET: SECRET });
  const exchange = { 'm365.tenant.name': 'contoso', 'm365.service.id': 'Exchange' };
  const teams = { 'm365.tenant.name': 'contoso', 'm365.service.id': 'microsoftteams' };
  try {
    await receiver.waitFor(() => receiver.latestValue('m365.service.health', teams) === 0, 20_000);
    assert.equal(receiver.latestValue('m365.service.health', exchange), 1, 'an advisory alone only warns');
    const point = receiver.latest('m365.service.health', teams)[0];
    assert.equal(point.attributes['m365.tenant.id'], undefined, 'a series is told apart by the tenant name');
    assert.equal(point.attributes['m365.service.name'], 'Microsoft Teams');
    assert.equal(point.resource['service.name'], 'm365-health');
    assert.equal(typeof point.resource['service.instance.id'], 'string');
    const states = receiver.latest('m365.service.status', teams);
    assert.equal(states.length, 12);
    assert.deepEqual(
      new Set(states.map((p) => `${p.type} ${p.temporality} ${p.monotonic}`)),
      new Set(['sum cumulative false']),
      'an UpDownCounter: a cumulative, non-monotonic sum',
    );
    assert.deepEqual(
      states.filter((p) => p.value === 1).map((p) => p.attributes['m365.service.state']),
      ['serviceOperational'],
    );
    assert.equal(
      receiver.logs().filter((r) => r.eventName === 'm365.service.status_change').length,
      0,
      'no event on first sight',
    );

    simulator.openIssue('contoso', {
      id: 'TM900001',
      service: 'microsoftteams',
      classification: 'incident',
      status: 'serviceInterruption',
      title: 'Calls drop',
    });
    await receiver.waitFor(() => receiver.logs().some((r) => r.eventName === 'm365.service.status_change'), 20_000);
    await receiver.waitFor(() => receiver.latestValue('m365.service.health', teams) === 2, 10_000);
    const requestsBefore = simulator.requests.filter((r) => r.path.includes('healthOverviews')).length;
    await receiver.waitFor(
      () => simulator.requests.filter((r) => r.path.includes('healthOverviews')).length >= requestsBefore + 1,
      15_000,
    );
    await receiver.waitFor(() => receiver.requests().filter((r) => r.path === '/v1/logs').length > 0, 5_000);

    const changes = receiver.logs().filter((r) => r.eventName === 'm365.service.status_change');
    assert.equal(changes.length, 1, 'exactly one status change after further polls');
    const change = changes[0];
    assert.equal(change.severityText, 'ERROR');
    assert.equal(change.attributes['m365.service.state'], 'serviceInterruption');
    assert.equal(change.attributes['m365.service.previous_state'], 'serviceOperational');
    assert.equal(change.attributes['m365.service.health_state'], 2);
    assert.equal(change.attributes['m365.service.previous_health_state'], 0);
    assert.deepEqual(change.attributes['m365.issue.ids'], ['TM900001']);
    assert.equal(change.attributes['m365.issue.id'], 'TM900001');
    assert.equal(change.attributes['m365.tenant.name'], 'contoso');
    assert.equal(change.attributes['m365.service.name'], 'Microsoft Teams');

    const code = await agent.stop('SIGTERM');
    assert.equal(code, 0, agent.output());
    assert.ok(!agent.output().includes(SECRET), 'the secret never appears in the output');
    const wire = receiver.requests().map((r) => r.contentType);
    assert.ok(
      wire.every((type) => type === (protocol === 'http/json' ? 'application/json' : 'application/x-protobuf')),
      wire.join(),
    );
  } finally {
    await agent.stop('SIGKILL');
    await receiver.close();
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('agent end to end', { concurrency: 2 }, () => {
  test('gauges and exactly one status-change event over OTLP/HTTP protobuf', () => runAgentStory('http/protobuf'));
  test('the same over OTLP/HTTP JSON', () => runAgentStory('http/json'));
});
