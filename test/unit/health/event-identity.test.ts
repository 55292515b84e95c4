import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import {
  advanceMemory,
  advanceMessages,
  advanceSequence,
  MemoryInterners,
  stepStamp,
  type TenantMemory,
} from '../../../src/health/memory.ts';
import type { ServiceMessage } from '../../../src/health/messages.ts';
import type { Issue, ServiceStatus, Snapshot } from '../../../src/health/model.ts';
import { makeIssue } from '../../helpers/make-services.ts';

/** The copies that the tenants of these tests share, as the tenants of one agent do. */
const SHARED = new MemoryInterners();

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MINUTE = 60_000;

const incident = makeIssue({
  status: 'serviceInterruption',
  startDateTime: undefined,
  lastModifiedDateTime: '2026-12-01T09:55:00Z',
});

type Health = ServiceView['health'];

/** One poll of a tenant with the given Exchange status and health, `issues` open (default: the incident, unchanged). */
function poll(
  previous: TenantMemory | undefined,
  at: number,
  status: ServiceStatus,
  health: Health,
  issues: Issue[] = [incident],
) {
  const snapshot: Snapshot = {
    fetchedAt: at,
    services: [{ id: 'Exchange', name: 'Exchange Online', status, rawStatus: status, issues }],
  };
  const views: ServiceView[] = [
    { id: 'Exchange', name: 'Exchange Online', status, rawStatus: status, health, openIssues: issues, features: [] },
  ];
  return advanceMemory(previous, snapshot, views, SHARED);
}

/** The polls of a story, each from the memory the one before left; the ids each poll reported. */
function story(steps: Array<[ServiceStatus, Health, Issue[]?]>, start?: TenantMemory) {
  let memory = start;
  const ids: string[][] = [];
  steps.forEach(([status, health, issues], i) => {
    const step = poll(memory, T0 + i * MINUTE, status, health, issues);
    ids.push([...step.changes.map((c) => c.eventId), ...step.updates.map((u) => u.eventId)]);
    memory = step.memory;
  });
  return { ids, memory: memory! };
}

describe('event identity: one id per transition', () => {
  test('a service down, up and down again under one issue version: two downs, two ids', () => {
    const { ids, memory } = story([
      ['serviceOperational', 0, []],
      ['serviceInterruption', 2],
      ['serviceOperational', 0],
      ['serviceInterruption', 2],
    ]);
    assert.deepEqual(ids, [
      [],
      [
        `${T0}/s1/Exchange:serviceOperational>serviceInterruption:0>2`,
        `${T0}/i1/EX1@2026-12-01T09:55:00Z:incident:serviceInterruption:open`,
      ],
      [`${T0}/s2/Exchange:serviceInterruption>serviceOperational:2>0`],
      [`${T0}/s3/Exchange:serviceOperational>serviceInterruption:0>2`],
    ]);
    assert.deepEqual(
      {
        baselineAt: memory.baselineAt,
        statusSequence: memory.statusSequence,
        issueSequence: memory.issueSequence,
        messageSequence: memory.messageSequence,
      },
      { baselineAt: T0, statusSequence: 3, issueSequence: 1, messageSequence: 0 },
      'each stream counts the polls that reported in it, no more',
    );
  });

  test('the same transition detected again from the same memory (a crash before the save) has the same id', () => {
    const { memory } = story([
      ['serviceOperational', 0, []],
      ['serviceInterruption', 2],
    ]);
    const first = poll(memory, T0 + 5 * MINUTE, 'serviceOperational', 0);
    const again = poll(memory, T0 + 9 * MINUTE, 'serviceOperational', 0);
    assert.equal(again.changes[0].eventId, first.changes[0].eventId);
    assert.deepEqual(again.memory.statusSequence, first.memory.statusSequence);
  });

  test('another transition from the same memory (the world moved during the crash) has an id of its own', () => {
    const { memory } = story([
      ['serviceOperational', 0, []],
      ['serviceInterruption', 2],
    ]);
    const restored = poll(memory, T0 + 5 * MINUTE, 'serviceOperational', 0);
    const degraded = poll(memory, T0 + 5 * MINUTE, 'serviceDegradation', 2);
    assert.notEqual(degraded.changes[0].eventId, restored.changes[0].eventId);
  });

  test('a memory lost and begun again (no state, a corrupt file) never reuses the ids of the one before', () => {
    const steps: Array<[ServiceStatus, Health, Issue[]?]> = [
      ['serviceOperational', 0, []],
      ['serviceInterruption', 2],
    ];
    const before = story(steps);
    let memory: TenantMemory | undefined;
    const ids: string[] = [];
    for (const [i, [status, health, issues]] of steps.entries()) {
      const step = poll(memory, T0 + (10 + i) * MINUTE, status, health, issues);
      ids.push(...step.changes.map((c) => c.eventId));
      memory = step.memory;
    }
    assert.equal(ids.length, 1);
    assert.notEqual(ids[0], before.ids[1][0]);
    assert.equal(ids[0], `${T0 + 10 * MINUTE}/s1/Exchange:serviceOperational>serviceInterruption:0>2`);
  });

  test('a service that vanishes and comes back continues the numbering, never starts it again', () => {
    const { memory } = story([
      ['serviceOperational', 0, []],
      ['serviceInterruption', 2],
      ['serviceOperational', 0],
    ]);
    const gone = advanceMemory(memory, { fetchedAt: T0 + 3 * MINUTE, services: [] }, [], SHARED);
    const back = poll(gone.memory, T0 + 4 * MINUTE, 'serviceOperational', 0);
    const down = poll(back.memory, T0 + 5 * MINUTE, 'serviceInterruption', 2);
    assert.equal(back.changes.length, 0, 'seen again for the first time: no change');
    assert.equal(down.changes[0].eventId, `${T0}/s3/Exchange:serviceOperational>serviceInterruption:0>2`);
  });
});

describe('event identity: issue updates', () => {
  test('a status that moves and moves back under one lastModifiedDateTime: each update its own id', () => {
    const restoring = { ...incident, status: 'restoringService' as const, rawStatus: 'restoringService' };
    const { ids } = story([
      ['serviceInterruption', 2, [incident]],
      ['serviceInterruption', 2, [restoring]],
      ['serviceInterruption', 2, [incident]],
    ]);
    assert.deepEqual(ids.slice(1), [
      [`${T0}/i1/EX1@2026-12-01T09:55:00Z:incident:restoringService:open`],
      [`${T0}/i2/EX1@2026-12-01T09:55:00Z:incident:serviceInterruption:open`],
    ]);
  });
});

describe('event identity: message-center updates', () => {
  const message = (id: string, lastModifiedDateTime: string): ServiceMessage => ({
    id,
    title: id,
    category: 'planForChange',
    severity: 'normal',
    services: [],
    tags: [],
    isMajorChange: false,
    actionRequiredByDateTime: undefined,
    startDateTime: undefined,
    endDateTime: undefined,
    lastModifiedDateTime,
    body: '',
  });

  test('a message listed, dropped and listed again is reported twice, under two ids; a read detected again keeps its id', () => {
    const { memory } = story([['serviceOperational', 0, []]]);
    const baseline = advanceMessages(memory, [], T0 + MINUTE);
    const published = advanceMessages(baseline.memory, [message('MC1', 'a')], T0 + 2 * MINUTE);
    const dropped = advanceMessages(published.memory, [], T0 + 3 * MINUTE);
    const again = advanceMessages(dropped.memory, [message('MC1', 'a')], T0 + 4 * MINUTE);
    assert.deepEqual(
      [...published.updates, ...again.updates].map((u) => `${u.update} ${u.eventId}`),
      [`published ${T0}/m1/MC1@a`, `published ${T0}/m2/MC1@a`],
    );
    assert.equal(
      advanceMessages(baseline.memory, [message('MC1', 'a')], T0 + 9 * MINUTE).updates[0].eventId,
      `${T0}/m1/MC1@a`,
    );
    assert.equal(again.memory.messageSequence, 2);
  });
});

test('stepStamp and advanceSequence: the step after the remembered one, counted only when it reported', () => {
  assert.equal(stepStamp(5, 's', 0), '5/s1');
  assert.equal(stepStamp(5, 'm', 41), '5/m42');
  assert.equal(advanceSequence(3, 0), 3);
  assert.equal(advanceSequence(3, 4), 4);
});
