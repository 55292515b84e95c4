import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { spawnCli, type AgentProcess } from '../helpers/agent-process.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const TEAMS = { 'm365.tenant.name': 'contoso', 'm365.service.id': 'microsoftteams' };

let simulator: Simulator;
let receiver: OtlpReceiver;
let dir: string;
let config: string;
const agents: AgentProcess[] = [];

before(async () => {
  simulator = await startSimulator({
    scenario: await loadScenario(new URL('../../config/scenarios/test-basic.yaml', import.meta.url)),
  });
  receiver = await startOtlpReceiver();
  dir = await mkdtemp(join(tmpdir(), 'm365-reliability-'));
  config = join(dir, 'agent.yaml');
  await writeFile(
    config,
    [
      `exporter: { endpoint: ${receiver.url}, interval: 1s, timeout: 1s }`,
      `state: { dir: ${join(dir, 'state')} }`,
      'tenants:',
      '  - name: contoso',
      '    tenant_id: 11111111-1111-1111-1111-111111111111',
      '    client_id: 22222222-2222-2222-2222-222222222222',
      '    client_secret: sim-contoso-secret',
      `    endpoints: { login: ${simulator.url}, graph: ${simulator.url} }`,
      '    interval: 5s',
      '    timeout: 4s',
    ].join('\n'),
    { mode: 0o600 },
  );
});

after(async () => {
  for (const agent of agents) await agent.stop('SIGKILL');
  await receiver.close();
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

function startAgent(): AgentProcess {
  const agent = spawnCli(['run', '--config', config]);
  agents.push(agent);
  return agent;
}

const healthPolls = () =>
  simulator.requests.filter((r) => r.path.endsWith('/healthOverviews') && r.status === 200).length;
const statusChanges = () => receiver.logs().filter((r) => r.eventName === 'm365.service.status_change');

test('a status change during a collector outage, then a SIGKILL of the agent: delivered once the collector is back', async () => {
  const first = startAgent();
  await receiver.waitFor(() => receiver.latestValue('m365.service.health', TEAMS) === 0, 20_000);

  // The collector answers 503 to everything: a log export tried proves the event was committed (it is written with
  // the tenant's state before the sender can take it), and nothing is recorded as delivered.
  receiver.failNext(Number.MAX_SAFE_INTEGER, 503);
  const triedBefore = logExportsTried();
  simulator.openIssue('contoso', {
    id: 'TM777',
    service: 'microsoftteams',
    classification: 'incident',
    status: 'serviceInterruption',
    title: 'Meetings fail',
  });
  await receiver.waitFor(() => logExportsTried() > triedBefore, 20_000);
  first.child.kill('SIGKILL');
  await first.exited();
  assert.equal(statusChanges().length, 0, 'nothing could reach the collector while it was down');

  receiver.failNext(0, 503);
  const second = startAgent();
  await receiver.waitFor(() => statusChanges().length > 0, 20_000);
  const beforeMore = healthPolls();
  await receiver.waitFor(() => healthPolls() > beforeMore, 15_000);
  // A later change, delivered after anything the second agent could have emitted again (the outbox keeps order).
  simulator.resolveIssue('contoso', 'TM777');
  await receiver.waitFor(
    () => statusChanges().some((r) => r.attributes['m365.service.state'] !== 'serviceInterruption'),
    20_000,
  );

  const interruptions = statusChanges().filter((r) => r.attributes['m365.service.state'] === 'serviceInterruption');
  const ids = new Set(interruptions.map((r) => r.attributes['m365.event.id']));
  assert.equal(
    ids.size,
    1,
    `one status change, possibly delivered more than once under one id: ${[...ids].map(textOf).join(', ')}`,
  );
  assert.equal(interruptions[0].attributes['m365.issue.id'], 'TM777');
  const opened = receiver
    .logs()
    .filter((r) => r.eventName === 'm365.issue.update' && r.attributes['m365.issue.status'] === 'serviceInterruption');
  assert.equal(new Set(opened.map((r) => r.attributes['m365.event.id'])).size, 1, 'one issue update for the opening');
  assert.equal(await second.stop('SIGTERM'), 0, second.output());
});

const logExportsTried = () => receiver.requests().filter((r) => r.path === '/v1/logs' && r.status === 503).length;
