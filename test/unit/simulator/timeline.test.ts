import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireCollection, WireIssue, WireServiceHealth } from '../../../src/graph/wire.ts';
import {
  loadDefaultScenario,
  ScenarioPlay,
  startSimulator,
  type ScenarioTenant,
  type Simulator,
} from '../../../src/simulator/index.ts';
import { cycleIssueId } from '../../../src/simulator/timeline.ts';
import {
  CONTOSO,
  FABRIKAM,
  FABRIKAM_APP,
  FABRIKAM_SECRET,
  fakeClock,
  fetchToken,
  graphGet,
  T0,
} from './sim-helpers.ts';

const S = 1000;

describe('demo timeline through the Graph API with a fake clock', () => {
  let sim: Simulator;
  const clock = fakeClock();
  before(async () => (sim = await startSimulator({ scenario: await loadDefaultScenario(), clock: clock.now })));
  after(() => sim.close());

  async function teams(): Promise<WireServiceHealth> {
    const token = await fetchToken(sim, CONTOSO);
    const res = await graphGet(sim, 'healthOverviews/microsoftteams?$expand=issues', token);
    return (await res.json()) as WireServiceHealth;
  }

  test('the Teams advisory opens, escalates, restores and resolves', async () => {
    assert.deepEqual((await teams()).issues, []);
    assert.equal((await teams()).status, 'serviceOperational');
    clock.advance(20 * S);
    let service = await teams();
    assert.equal(service.status, 'investigating');
    assert.deepEqual(pick(service.issues![0]), ['TM1050301', 'advisory', 'investigating', false, 1]);
    clock.advance(30 * S);
    service = await teams();
    assert.equal(service.status, 'serviceDegradation');
    assert.deepEqual(pick(service.issues![0]), ['TM1050301', 'incident', 'serviceDegradation', false, 2]);
    assert.equal(service.issues![0].lastModifiedDateTime, new Date(T0 + 50 * S).toISOString());
    assert.match(
      service.issues![0].posts![1].description!.content!,
      /^Title: .*<br><br>User Impact: .*<br><br>Current status: We've identified/,
    );
    clock.advance(40 * S);
    assert.equal((await teams()).status, 'restoringService');
    clock.advance(40 * S);
    service = await teams();
    assert.equal(service.status, 'serviceOperational');
    assert.deepEqual(pick(service.issues![0]), ['TM1050301', 'incident', 'serviceRestored', true, 4]);
    assert.equal(service.issues![0].endDateTime, new Date(T0 + 130 * S).toISOString());
    assert.match(service.issues![0].posts![3].description!.content!, /Final status: .*<br>Root cause: /);
  });

  test('fabrikam sees its own Exchange interruption, and the loop brings a new issue id', async () => {
    const token = await fetchToken(sim, FABRIKAM, FABRIKAM_APP, FABRIKAM_SECRET);
    const issues = async () =>
      ((await (await graphGet(sim, 'issues', token)).json()) as WireCollection<WireIssue>).value;
    assert.equal(clock.now(), T0 + 130 * S);
    assert.deepEqual(pick((await issues()).find((x) => x.id === 'EX1050402')!), [
      'EX1050402',
      'incident',
      'extendedRecovery',
      false,
      3,
    ]);
    clock.advance(95 * S); // 225 s: 45 s into the second cycle
    const ids = (await issues()).map((x) => x.id);
    assert.deepEqual(ids, ['EX1045507', 'EX1050402', 'EX11050402']);
    const exchange = sim.state('fabrikam').services.find((s) => s.id === 'Exchange')!;
    assert.equal(exchange.status, 'serviceInterruption');
  });
});

describe('state derivation (pure)', () => {
  let play: ScenarioPlay;
  let contoso: ScenarioTenant;
  before(async () => {
    play = new ScenarioPlay(await loadDefaultScenario(), T0);
    contoso = play.tenant('contoso')!;
  });

  test('is a function of the scenario and the elapsed time', () => {
    const at = (s: number) => play.state(contoso, [], T0 + s * S);
    assert.deepEqual(at(50), at(50));
    const statusAt = (s: number) => at(s).services.find((x) => x.id === 'microsoftteams')!.status;
    assert.deepEqual([0, 19, 20, 49, 50, 90, 129, 130, 199, 230].map(statusAt), [
      'serviceOperational',
      'serviceOperational',
      'investigating',
      'investigating',
      'serviceDegradation',
      'restoringService',
      'restoringService',
      'serviceOperational',
      'serviceOperational',
      'serviceDegradation',
    ]);
    assert.equal(at(0).services.find((x) => x.id === 'OSDPPlatform')!.status, 'serviceDegradation');
  });

  test('the worst open issue gives the service its status; manual overrides win', () => {
    const open = (id: string, status: string) => ({
      type: 'open' as const,
      at: T0 + S,
      tenant: 'contoso',
      issue: {
        id,
        service: 'Exchange',
        classification: 'incident',
        status,
        origin: 'microsoft',
        title: id,
        impactDescription: id,
        feature: null,
        featureGroup: null,
        post: undefined,
      },
    });
    const exchange = (events: Parameters<ScenarioPlay['state']>[1]) =>
      play.state(contoso, events, T0 + 2 * S).services.find((s) => s.id === 'Exchange')!.status;
    assert.equal(exchange([open('EX1', 'investigating'), open('EX2', 'serviceDegradation')]), 'serviceDegradation');
    assert.equal(
      exchange([open('EX1', 'serviceInterruption'), open('EX2', 'extendedRecovery')]),
      'serviceInterruption',
    );
    assert.equal(exchange([open('EX1', 'extendedRecovery'), open('EX2', 'investigating')]), 'extendedRecovery');
    const override = {
      type: 'override' as const,
      at: T0 + 2 * S,
      tenant: 'contoso',
      service: 'Exchange',
      status: 'falsePositive',
    };
    assert.equal(exchange([open('EX1', 'serviceInterruption'), override]), 'falsePositive');
  });

  test('looping retains three cycles and renames the issues the timeline opens', () => {
    assert.equal(cycleIssueId('TM1050301', 0), 'TM1050301');
    assert.equal(cycleIssueId('TM1050301', 2), 'TM21050301');
    assert.equal(cycleIssueId('custom-id', 1), 'custom-id-1');
    const ids = play.state(contoso, [], T0 + 10 * 180 * S + 25 * S).issues.map((x) => x.id);
    assert.deepEqual(ids, ['EX1048213', 'SP1047730', 'MO1049120', 'TM81050301', 'TM91050301', 'TM101050301']);
  });
});

describe('programmatic changes', () => {
  test('open, update, resolve and set a status, applied immediately', async () => {
    const clock = fakeClock();
    const sim = await startSimulator({ scenario: await loadDefaultScenario(), clock: clock.now });
    try {
      const exchange = () => sim.state('contoso').services.find((s) => s.id === 'Exchange')!;
      const id = sim.openIssue('contoso', {
        service: 'Exchange',
        classification: 'incident',
        status: 'serviceInterruption',
        title: 'No mail',
      });
      assert.equal(id, 'EX900001');
      assert.equal(exchange().status, 'serviceInterruption');
      clock.advance(5 * S);
      sim.updateIssue(CONTOSO, id, { status: 'serviceDegradation', post: 'Mail is flowing slowly.' });
      assert.equal(exchange().status, 'serviceDegradation');
      const updated = exchange().issues.find((x) => x.id === id)!;
      assert.equal(updated.lastModifiedMs, T0 + 5 * S);
      assert.match(updated.posts[1].content, /Current status: Mail is flowing slowly\./);
      sim.resolveIssue('contoso.onmicrosoft.com', id, { post: 'Mail flows again.' });
      assert.equal(exchange().status, 'serviceOperational');
      sim.setServiceStatus('contoso', 'Exchange', 'investigating');
      assert.equal(exchange().status, 'investigating');
      sim.setServiceStatus('contoso', 'Exchange', null);
      assert.equal(exchange().status, 'serviceOperational');
      assert.throws(() => sim.updateIssue('contoso', 'NOPE1', {}), {
        code: 'SCENARIO_INVALID',
        message: "issue 'NOPE1' does not exist in tenant 'contoso'",
      });
      assert.throws(() => sim.openIssue('nowhere', { service: 'Exchange' }), { message: "unknown tenant 'nowhere'" });
      assert.throws(() => sim.openIssue('contoso', { id, service: 'Exchange' }), {
        message: `issue '${id}' already exists in tenant 'contoso'`,
      });
      assert.throws(() => sim.setServiceStatus('contoso', 'Exchange', 'broken'), /unknown status 'broken'/);
    } finally {
      await sim.close();
    }
  });
});

function pick(issue: WireIssue): unknown[] {
  return [issue.id, issue.classification, issue.status, issue.isResolved, issue.posts?.length];
}
