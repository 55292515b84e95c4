import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stateFileName } from '../../src/agent/state-store.ts';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { contosoConfig, startHandPolledAgent } from '../helpers/hand-polled-agent.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const SCENARIO = new URL('../../config/scenarios/test-basic.yaml', import.meta.url);
const TENANT_ID = '11111111-1111-1111-1111-111111111111';

describe('a flapping service: one event id per transition, across restarts and a crash before the save', () => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  let stateDir: string;
  let stateFile: string;
  before(async () => {
    simulator = await startSimulator({ scenario: await loadScenario(SCENARIO) });
    receiver = await startOtlpReceiver();
    stateDir = await mkdtemp(join(tmpdir(), 'm365-flapping-'));
    stateFile = join(stateDir, stateFileName('contoso'));
  });
  after(async () => {
    await receiver.close();
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const statusChanges = () =>
    receiver
      .logs()
      .filter((r) => r.eventName === 'm365.service.status_change')
      .map((r) => {
        const a = r.attributes;
        return {
          change: `${textOf(a['m365.service.previous_state'])}>${textOf(a['m365.service.state'])} (${textOf(a['m365.issue.id'])})`,
          id: textOf(a['m365.event.id']),
        };
      });
  const issueUpdates = () => receiver.logs().filter((r) => r.eventName === 'm365.issue.update');
  const readState = async () => JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;

  /** The state is saved after the poll's events are emitted, without being awaited: wait for the save that proves it. */
  async function waitForSaved(statusSequence: number): Promise<void> {
    for (let waited = 0; ; waited += 10) {
      const saved = await readState().catch(() => undefined);
      if (saved?.statusSequence === statusSequence) return;
      if (waited > 5_000)
        throw new Error(`state not saved with statusSequence ${statusSequence}: ${JSON.stringify(saved)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('down, up, down under one issue version: two interruptions, two ids; restarts repeat nothing', async () => {
    const config = contosoConfig(simulator, receiver, stateDir);
    let agent = await startHandPolledAgent(config);
    await agent.poll();
    await waitForSaved(0);
    assert.deepEqual(statusChanges(), [], 'the first poll is the baseline');

    simulator.openIssue('contoso', {
      id: 'TM1',
      service: 'microsoftteams',
      classification: 'incident',
      status: 'serviceInterruption',
      title: 'Calls drop',
    });
    await agent.poll();
    await waitForSaved(1);
    simulator.setServiceStatus('contoso', 'microsoftteams', 'serviceOperational');
    await agent.poll();
    await waitForSaved(2);

    await agent.stop();
    agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.equal(statusChanges().length, 2, 'a restart on an unchanged world emits nothing');

    const beforeSecondDown = await readFile(stateFile);
    simulator.setServiceStatus('contoso', 'microsoftteams', null);
    await agent.poll();
    await waitForSaved(3);
    const flaps = statusChanges();
    assert.deepEqual(
      flaps.map((e) => e.change),
      [
        'serviceOperational>serviceInterruption (TM1)',
        'serviceInterruption>serviceOperational (TM1)',
        'serviceOperational>serviceInterruption (TM1)',
      ],
    );
    assert.equal(issueUpdates().length, 1, 'the issue never moved: one version, opened once');
    assert.equal(
      new Set(flaps.map((e) => e.id)).size,
      3,
      `three transitions, three ids: ${flaps.map((e) => e.id).join(', ')}`,
    );
    assert.notEqual(flaps[2].id, flaps[0].id, 'the second interruption is not taken for a copy of the first');
    const baselineAt = String((await readState()).baselineAt);
    assert.deepEqual(
      flaps.map((e) => e.id),
      [
        `${TENANT_ID}/${baselineAt}/s1/microsoftteams:serviceOperational>serviceInterruption:0>2`,
        `${TENANT_ID}/${baselineAt}/s2/microsoftteams:serviceInterruption>serviceOperational:2>0`,
        `${TENANT_ID}/${baselineAt}/s3/microsoftteams:serviceOperational>serviceInterruption:0>2`,
      ],
    );

    // The state saved by that poll lost (a disk restored from a backup, say): the next start has the state of before.
    await agent.stop();
    await writeFile(stateFile, beforeSecondDown);
    agent = await startHandPolledAgent(config);
    await agent.poll();
    await waitForSaved(3);
    const replayed = statusChanges();
    assert.equal(replayed.length, 4, 'detected again, since the save was lost');
    assert.deepEqual(replayed[3], flaps[2], 'the same transition detected again carries the same id');

    await agent.stop();
    agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.equal(statusChanges().length, 4, 'a restart after the save repeats nothing');
    await agent.stop();
  });

  test('a state file written before events were numbered: no repeat on restart, and new ids after', async () => {
    const config = contosoConfig(simulator, receiver, stateDir);
    const { baselineAt, statusSequence, issueSequence, messageSequence, ...older } = await readState();
    assert.deepEqual([typeof baselineAt, statusSequence, issueSequence, messageSequence], ['number', 3, 1, 0]);
    await writeFile(stateFile, JSON.stringify(older));
    const seen = new Set(statusChanges().map((e) => e.id));
    const count = receiver.logs().length;

    const agent = await startHandPolledAgent(config);
    await agent.poll();
    assert.equal(receiver.logs().length, count, 'the old state is remembered: nothing repeated');
    simulator.setServiceStatus('contoso', 'microsoftteams', 'serviceOperational');
    await agent.poll();
    await waitForSaved(1);
    const recovered = statusChanges().at(-1)!;
    assert.equal(recovered.change, 'serviceInterruption>serviceOperational (TM1)');
    assert.equal(
      recovered.id,
      `${TENANT_ID}/${String(older.polledAt)}/s1/microsoftteams:serviceInterruption>serviceOperational:2>0`,
    );
    assert.equal(seen.has(recovered.id), false, 'an id of its own, not one of the history before');
    assert.equal((await readState()).baselineAt, older.polledAt, 'the history is saved where the old file began it');
    await agent.stop();
  });
});
