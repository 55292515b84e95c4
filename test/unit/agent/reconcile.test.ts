import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Agent } from '../../../src/agent/agent.ts';
import { startObservation } from '../../../src/observation/observation.ts';
import { observed } from '../../helpers/observed.ts';
import type { PollResult, TenantPoller } from '../../../src/agent/tenant-poller.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { fakeTimers } from '../../helpers/fake-timers.ts';

const INTERVAL = 60_000;

/**
 * A poller that records when it polls; `hold` keeps each poll in flight until released or aborted. The observations
 * its polls return tell which poller made them: their poll duration is its version.
 */
function fakePoller(name: string, log: string[], options: { hold?: boolean; version?: number } = {}) {
  const tenant = { name, intervalMs: INTERVAL } as TenantConfig;
  const initial = startObservation(tenant, undefined);
  const observation = observed(tenant, { outcome: { ok: true }, pollDurationMs: options.version ?? 1 });
  const result: PollResult = { ok: true, unchanged: false, changes: [], updates: [], observation };
  const aborted: string[] = [];
  const poller: TenantPoller = {
    tenant,
    initial,
    poll: (signal) => {
      log.push(`${name}@${options.version ?? 1}`);
      if (!options.hold) return Promise.resolve(result);
      return new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          aborted.push(name);
          resolve(result);
        });
      });
    },
  };
  return Object.assign(poller, { aborted });
}

function names(agent: Agent): string[] {
  return agent.observations().map((observation) => observation.tenant.name);
}

/** Which poller made each tenant's observation: its version, or 0 for the one a poller starts with. */
function madeBy(agent: Agent): string[] {
  return agent.observations().map((observation) => `${observation.tenant.name}@${observation.pollDurationMs ?? 0}`);
}

describe('Agent.reconcile', () => {
  test('an added tenant starts polling within a second; the others keep their schedule', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const contoso = fakePoller('contoso', log);
    const agent = new Agent({ pollers: [contoso], timers, random: () => 0.5 });
    agent.start();
    await timers.advance(1_000);
    assert.deepEqual(log, ['contoso@1']);
    const summary = agent.reconcile([contoso, fakePoller('fabrikam', log)]);
    assert.deepEqual(summary, { added: ['fabrikam'], removed: [], restarted: [], unchanged: 1 });
    assert.deepEqual(names(agent), ['contoso', 'fabrikam']);
    await timers.advance(1_000);
    assert.deepEqual(log, ['contoso@1', 'fabrikam@1'], 'the unchanged tenant is not polled again');
    await timers.advance(INTERVAL);
    assert.deepEqual(log, ['contoso@1', 'fabrikam@1', 'contoso@1', 'fabrikam@1']);
    await agent.stop();
  });

  test('several added tenants have their first polls spread, as at start', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const agent = new Agent({ pollers: [], timers, random: () => 0 });
    agent.start();
    agent.reconcile(['a', 'b', 'c', 'd'].map((name) => fakePoller(name, log)));
    await timers.advance(0);
    assert.deepEqual(log, ['a@1']);
    for (const expected of [
      ['a', 'b'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c', 'd'],
    ]) {
      await timers.advance(1_000);
      assert.deepEqual(
        log.map((entry) => entry[0]),
        expected,
        'one second apart',
      );
    }
    await agent.stop();
  });

  test('a removed tenant stops: its timer is cleared, its poll in flight aborted, its observation gone', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const contoso = fakePoller('contoso', log);
    const fabrikam = fakePoller('fabrikam', log, { hold: true });
    const agent = new Agent({ pollers: [contoso, fabrikam], timers, random: () => 0 });
    agent.start();
    await timers.advance(2_000);
    assert.deepEqual(log, ['contoso@1', 'fabrikam@1']);
    assert.equal(timers.pending(), 1, "contoso's next poll is scheduled; fabrikam's poll is in flight");
    assert.deepEqual(agent.reconcile([contoso]), { added: [], removed: ['fabrikam'], restarted: [], unchanged: 1 });
    assert.deepEqual(fabrikam.aborted, ['fabrikam']);
    assert.deepEqual(names(agent), ['contoso']);
    await timers.advance(3 * INTERVAL);
    assert.deepEqual(
      log.filter((entry) => entry.startsWith('fabrikam')),
      ['fabrikam@1'],
      'never polled again',
    );
    assert.deepEqual(names(agent), ['contoso'], 'the outcome of its aborted poll did not bring it back');
    assert.equal(timers.pending(), 1);
    agent.reconcile([]);
    assert.equal(timers.pending(), 0, 'no timer left behind');
    await agent.stop();
  });

  test('a changed tenant restarts: the new poller polls soon, the old one never again', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const agent = new Agent({ pollers: [fakePoller('contoso', log)], timers, random: () => 0 });
    agent.start();
    await timers.advance(1_000);
    const summary = agent.reconcile([fakePoller('contoso', log, { version: 2 })]);
    assert.deepEqual(summary, { added: [], removed: [], restarted: ['contoso'], unchanged: 0 });
    await timers.advance(1_000);
    assert.deepEqual(log, ['contoso@1', 'contoso@2']);
    await timers.advance(2 * INTERVAL);
    assert.deepEqual(log, ['contoso@1', 'contoso@2', 'contoso@2', 'contoso@2']);
    assert.equal(timers.pending(), 1);
    await agent.stop();
  });

  test('before start, reconcile only changes the tenants; start polls them', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const agent = new Agent({ pollers: [fakePoller('a', log)], timers, random: () => 0 });
    agent.reconcile([fakePoller('b', log)]);
    await timers.advance(INTERVAL);
    assert.deepEqual(log, []);
    assert.deepEqual(names(agent), ['b']);
    agent.start();
    await timers.advance(1_000);
    assert.deepEqual(log, ['b@1']);
    await agent.stop();
    agent.reconcile([fakePoller('c', log)]);
    await timers.advance(INTERVAL);
    assert.deepEqual(log, ['b@1'], 'a stopped agent does not start added tenants');
  });

  test('observations follow the order of the new list', () => {
    const log: string[] = [];
    const a = fakePoller('a', log);
    const b = fakePoller('b', log);
    const agent = new Agent({ pollers: [a, b], timers: fakeTimers() });
    agent.reconcile([b, fakePoller('c', log), a]);
    assert.deepEqual(names(agent), ['b', 'c', 'a']);
  });

  test('a changed tenant shows what its new poller carries until that one polls; the old one’s late outcome is dropped', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const old = fakePoller('contoso', log, { hold: true });
    const agent = new Agent({ pollers: [old], timers, random: () => 0 });
    agent.start();
    await timers.advance(0);
    assert.deepEqual(madeBy(agent), ['contoso@0'], 'its first poll is in flight');
    const renewed = fakePoller('contoso', log, { version: 2 });
    agent.reconcile([renewed]);
    assert.equal(agent.observations()[0], renewed.initial);
    assert.deepEqual(old.aborted, ['contoso']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(agent.observations()[0], renewed.initial, 'the aborted poll of the old poller is not kept');
    await timers.advance(1_000);
    assert.deepEqual(madeBy(agent), ['contoso@2']);
    await agent.stop();
  });

  test('an unchanged tenant keeps its latest observation through a reload', async () => {
    const timers = fakeTimers();
    const log: string[] = [];
    const contoso = fakePoller('contoso', log);
    const agent = new Agent({ pollers: [contoso], timers, random: () => 0 });
    agent.start();
    await timers.advance(1_000);
    assert.deepEqual(madeBy(agent), ['contoso@1']);
    agent.reconcile([contoso, fakePoller('fabrikam', log, { version: 3 })]);
    assert.deepEqual(madeBy(agent), ['contoso@1', 'fabrikam@0']);
    await agent.stop();
  });
});
