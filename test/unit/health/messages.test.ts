import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { advanceMemory, advanceMessages, MemoryInterners, type TenantMemory } from '../../../src/health/memory.ts';
import { detectMessageUpdates, type ServiceMessage } from '../../../src/health/messages.ts';

/** The copies that the tenants of these tests share, as the tenants of one agent do. */
const SHARED = new MemoryInterners();

function message(id: string, lastModifiedDateTime: string | undefined): ServiceMessage {
  return {
    id,
    title: `title ${id}`,
    category: 'planForChange',
    severity: 'normal',
    services: ['Exchange Online'],
    tags: [],
    isMajorChange: false,
    actionRequiredByDateTime: undefined,
    startDateTime: undefined,
    endDateTime: undefined,
    lastModifiedDateTime,
    body: '<p>text</p>',
  };
}

const kinds = (updates: ReturnType<typeof detectMessageUpdates>['updates']) =>
  updates.map((u) => `${u.update} ${u.eventId}`);

describe('message-center updates', () => {
  test('the first read is the baseline: remembered, not reported', () => {
    const first = detectMessageUpdates(undefined, [message('MC1', 'a'), message('MC2', 'b')], 1, '1/m1');
    assert.deepEqual(first.updates, []);
    assert.deepEqual(first.versions, { MC1: 'a', MC2: 'b' });
  });

  test('exactly once per id and lastModifiedDateTime; vanished messages are forgotten', () => {
    const previous = { MC1: 'a', MC2: 'b', MC9: 'z' };
    const read = detectMessageUpdates(
      previous,
      [message('MC1', 'a'), message('MC2', 'c'), message('MC3', undefined), message('MC3', 'x')],
      5,
      '1/m4',
    );
    assert.deepEqual(kinds(read.updates), ['updated 1/m4/MC2@c', 'published 1/m4/MC3@']);
    assert.deepEqual(read.versions, { MC1: 'a', MC2: 'c', MC3: '' });
    assert.deepEqual(
      detectMessageUpdates(
        read.versions,
        [message('MC1', 'a'), message('MC2', 'c'), message('MC3', undefined)],
        6,
        '1/m5',
      ).updates,
      [],
    );
  });

  test('the tenant memory keeps message versions across health polls', () => {
    const memory: TenantMemory = {
      baselineAt: 1,
      statusSequence: 0,
      issueSequence: 0,
      messageSequence: 0,
      polledAt: 1,
      services: {},
      issues: {},
    };
    const read = advanceMessages(memory, [message('MC1', 'a')], 2);
    assert.deepEqual(read.memory.messages, { MC1: 'a' });
    const next = advanceMemory(read.memory, { services: [], fetchedAt: 3 }, [], SHARED);
    assert.deepEqual(next.memory.messages, { MC1: 'a' });
    assert.equal('messages' in advanceMemory(memory, { services: [], fetchedAt: 3 }, [], SHARED).memory, false);
  });
});
