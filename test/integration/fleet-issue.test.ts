import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Secret } from '../../src/shared/secret.ts';
import { parseScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { contosoConfig, contosoTenant, startHandPolledAgent } from '../helpers/hand-polled-agent.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const NAMES = ['contoso', 'fabrikam', 'northwind', 'tailspin', 'woodgrove'];
const tenantId = (index: number) => `${index + 1}`.repeat(8) + '-1111-1111-1111-111111111111';
const clientId = '22222222-2222-2222-2222-222222222222';

/** Five tenants of two services each, no issue: the incident is opened by hand, tenant by tenant. */
const SCENARIO = `tenants:\n${NAMES.map(
  (name, index) =>
    `  - name: ${name}\n    tenant_id: ${tenantId(index)}\n    domain: ${name}.onmicrosoft.com\n` +
    `    clients: [{ client_id: ${clientId}, client_secret: sim-${name}-secret }]\n` +
    `    services: [Exchange, microsoftteams]\n`,
).join('')}`;

const MINUTE = 60_000;

describe('one Microsoft incident across the fleet, through an agent restart', () => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  let stateDir: string;
  // The simulator's clock: tenants that show one global incident show the same lastModifiedDateTime.
  let now = Date.now();
  before(async () => {
    simulator = await startSimulator({ scenario: parseScenario(SCENARIO), clock: () => now });
    receiver = await startOtlpReceiver();
    stateDir = await mkdtemp(join(tmpdir(), 'm365-fleet-'));
  });
  after(async () => {
    await receiver.close();
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const fleetEvents = () =>
    receiver
      .logs()
      .filter((r) => r.eventName === 'm365.fleet.issue.update')
      .map((r) => {
        const a = r.attributes;
        return `${r.severityText} ${textOf(a['m365.issue.id'])} ${textOf(a['m365.issue.update_kind'])} ${textOf(a['m365.fleet.tenant_count'])} first=${textOf(a['m365.fleet.first_tenant'])} sample=${textOf(a['m365.fleet.tenant_sample'])}`;
      });
  const tenantUpdates = () =>
    receiver
      .logs()
      .filter((r) => r.eventName === 'm365.issue.update')
      .map((r) => `${textOf(r.attributes['m365.tenant.name'])} ${textOf(r.attributes['m365.issue.update_kind'])}`)
      .sort();

  test('one opened, one per update, one resolved by the last tenant; tenants joining and leaving are no event', async () => {
    const config = {
      ...contosoConfig(simulator, receiver, stateDir),
      tenants: NAMES.map((name, index) =>
        contosoTenant(simulator, { name, tenantId: tenantId(index), clientSecret: new Secret(`sim-${name}-secret`) }),
      ),
    };
    let agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.deepEqual(fleetEvents(), [], 'the first poll is the baseline');

    now += MINUTE;
    const incident = { id: 'EX900001', service: 'Exchange', classification: 'incident', status: 'investigating' };
    simulator.openIssue('contoso', { ...incident, title: 'Mail delayed', post: 'We are investigating.' });
    await agent.poll();
    assert.deepEqual(fleetEvents(), ['WARN EX900001 opened 1 first=contoso sample=["contoso"]']);
    const [opened] = receiver.logs().filter((r) => r.eventName === 'm365.fleet.issue.update');
    assert.equal(opened.attributes['m365.issue.title'], 'Mail delayed');
    assert.deepEqual(opened.attributes['m365.issue.services'], ['Exchange Online']);
    assert.equal(opened.attributes['m365.issue.classification'], 'incident');
    assert.ok(Date.parse(textOf(opened.attributes['m365.fleet.first_seen'])) > 0);
    assert.match(textOf(opened.attributes['m365.event.id']), /^fleet\/\d+\/f1\/EX900001:opened@/);

    simulator.openIssue('fabrikam', { ...incident, title: 'Mail delayed', post: 'We are investigating.' });
    await agent.poll();
    assert.equal(fleetEvents().length, 1, 'a second tenant joining is no event');

    await agent.stop();
    agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.equal(fleetEvents().length, 1, 'a restart on an unchanged world emits nothing');
    const saved = JSON.parse(await readFile(join(stateDir, 'fleet.json'), 'utf8')) as { issues: object };
    assert.deepEqual(Object.keys(saved.issues), ['EX900001']);

    simulator.openIssue('northwind', { ...incident, title: 'Mail delayed', post: 'We are investigating.' });
    await agent.poll();
    assert.equal(fleetEvents().length, 1, 'a third tenant joining after the restart is no event');

    now += MINUTE;
    for (const name of NAMES.slice(0, 3))
      simulator.updateIssue(name, 'EX900001', { status: 'serviceDegradation', post: 'A fix is deploying.' });
    await agent.poll();
    assert.deepEqual(fleetEvents().slice(1), [
      'WARN EX900001 updated 3 first=contoso sample=["contoso","fabrikam","northwind"]',
    ]);

    now += MINUTE;
    simulator.resolveIssue('contoso', 'EX900001', { status: 'serviceRestored' });
    await agent.poll();
    await agent.stop();
    agent = await startHandPolledAgent(config);
    simulator.resolveIssue('fabrikam', 'EX900001', { status: 'serviceRestored' });
    await agent.poll();
    assert.equal(fleetEvents().length, 2, 'tenants resolving while another still shows it: no event');

    simulator.resolveIssue('northwind', 'EX900001', { status: 'serviceRestored' });
    await agent.poll();
    assert.deepEqual(fleetEvents().slice(2), ['INFO EX900001 resolved 0 first=contoso sample=[]']);
    await agent.stop();

    const ids = receiver.logs().filter((r) => r.eventName === 'm365.fleet.issue.update');
    assert.equal(new Set(ids.map((r) => r.attributes['m365.event.id'])).size, 3, 'three distinct event ids');
    assert.deepEqual(
      tenantUpdates(),
      NAMES.slice(0, 3).flatMap((name) => [`${name} opened`, `${name} resolved`, `${name} updated`]),
      'the tenants keep their own events',
    );
  });
});
