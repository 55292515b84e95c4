import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { contosoConfig, startHandPolledAgent } from '../helpers/hand-polled-agent.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);
const TEAMS = { 'm365.tenant.name': 'contoso', 'm365.service.id': 'microsoftteams' };

describe('one issue through its life, across agent restarts', () => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  let stateDir: string;
  before(async () => {
    simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
    receiver = await startOtlpReceiver();
    stateDir = await mkdtemp(join(tmpdir(), 'm365-lifecycle-'));
  });
  after(async () => {
    await receiver.close();
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  // The tenant's own events: the fleet's (test/integration/fleet-issue.test.ts) tell of the same issue once more.
  const events = () =>
    tenantEvents().map((r) => {
      const a = r.attributes;
      return r.eventName === 'm365.issue.update'
        ? `${r.severityText} issue ${textOf(a['m365.issue.id'])} ${textOf(a['m365.issue.update_kind'])} ${textOf(a['m365.issue.classification'])} ${textOf(a['m365.issue.status'])}`
        : `${r.severityText} status ${textOf(a['m365.service.id'])} ${textOf(a['m365.service.previous_state'])}>${textOf(a['m365.service.state'])} health ${textOf(a['m365.service.previous_health_state'])}>${textOf(a['m365.service.health_state'])}`;
    });
  const tenantEvents = () => receiver.logs().filter((r) => r.eventName !== 'm365.fleet.issue.update');
  const teamsHealth = () => receiver.latestValue('m365.service.health', TEAMS);
  const openIssues = (classification: string) =>
    receiver.latestValue('m365.service.issues', { ...TEAMS, 'm365.issue.classification': classification });

  test('advisory → incident → update → restored → resolved: exact events and gauges, no duplicates', async () => {
    const config = contosoConfig(simulator, receiver, stateDir);
    let agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.deepEqual(events(), [], 'the first poll is the baseline');
    assert.equal(teamsHealth(), 0);

    simulator.openIssue('contoso', {
      id: 'TM1',
      service: 'microsoftteams',
      classification: 'advisory',
      status: 'investigating',
      title: 'Chat is slow',
      post: 'Current status: We are investigating.',
    });
    await agent.poll();
    await agent.poll();
    assert.deepEqual(events(), [
      'INFO issue TM1 opened advisory investigating',
      'WARN status microsoftteams serviceOperational>investigating health 0>1',
    ]);
    assert.equal(teamsHealth(), 1);
    assert.equal(openIssues('advisory'), 1);
    const opened = tenantEvents()[0];
    assert.equal(
      opened.attributes['url.full'],
      'https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/TM1',
    );
    assert.match(
      textOf(opened.attributes['m365.issue.post']),
      /^Title: Chat is slow\n\nUser Impact: .*\n\nCurrent status: We are investigating\.$/,
    );
    assert.match(
      textOf(opened.attributes['m365.event.id']),
      /^11111111-1111-1111-1111-111111111111\/\d+\/i1\/TM1@\d{4}-.*:advisory:investigating:open$/,
    );

    await agent.stop();
    agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.equal(events().length, 2, 'a restart on an unchanged world emits nothing');

    simulator.updateIssue('contoso', 'TM1', {
      classification: 'incident',
      status: 'serviceDegradation',
      post: 'Current status: Calls drop too.',
    });
    await agent.poll();
    assert.deepEqual(events().slice(2), [
      'WARN issue TM1 updated incident serviceDegradation',
      'ERROR status microsoftteams investigating>serviceDegradation health 1>2',
    ]);
    assert.equal(teamsHealth(), 2);
    assert.equal(openIssues('incident'), 1);
    assert.equal(openIssues('advisory'), 0);

    await new Promise((resolve) => setTimeout(resolve, 5));
    simulator.updateIssue('contoso', 'TM1', { post: 'Current status: A fix is deploying.' });
    await agent.poll();
    assert.deepEqual(events().slice(4), ['WARN issue TM1 updated incident serviceDegradation']);
    assert.match(textOf(tenantEvents()[4].attributes['m365.issue.post']), /Current status: A fix is deploying\.$/);

    await agent.stop();
    simulator.resolveIssue('contoso', 'TM1', { status: 'serviceRestored', post: 'Final status: Fixed.' });
    agent = await startHandPolledAgent(config);
    await agent.poll();
    await agent.poll();
    assert.deepEqual(
      events().slice(5),
      [
        'INFO issue TM1 resolved incident serviceRestored',
        'INFO status microsoftteams serviceDegradation>serviceOperational health 2>0',
      ],
      'a change made while the agent was down yields exactly one event each',
    );
    assert.equal(teamsHealth(), 0);
    assert.equal(openIssues('incident'), 0);
    await agent.stop();
  });
});
