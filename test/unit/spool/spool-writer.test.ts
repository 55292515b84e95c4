import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SegmentStore } from '../../../src/telemetry/spool/segment-store.ts';
import { SpoolWriter, type DropReason } from '../../../src/telemetry/spool/spool-writer.ts';
import { createCaptureLog } from './support.ts';

/** A store whose disk refuses writes while `full` is set. */
function createFakeStore() {
  const state = { full: false, lines: [] as string[], syncs: 0 };
  const store = {
    append(line: string) {
      if (state.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      state.lines.push(line);
      return 0;
    },
    sync() {
      state.syncs++;
    },
    pendingBytes: () => state.lines.reduce((sum, line) => sum + line.length + 1, 0),
  };
  return { state, store: store as unknown as SegmentStore };
}

function createWriter(store: SegmentStore, maxBytes = 1000) {
  const log = createCaptureLog();
  const drops: Array<[number, DropReason]> = [];
  let appended = 0;
  const writer = new SpoolWriter({
    store,
    log,
    maxBytes,
    maxRecordBytes: 250,
    syncDelayMs: 5,
    retryDelayMs: 10,
    onDrop: (count, reason) => drops.push([count, reason]),
    onAppended: () => appended++,
  });
  return { writer, log, drops, appended: () => appended };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SpoolWriter', () => {
  test('appends at once and fsyncs shortly after', async () => {
    const { state, store } = createFakeStore();
    const { writer, appended } = createWriter(store);
    writer.append('a');
    writer.append('b');
    assert.deepEqual(state.lines, ['a', 'b']);
    assert.equal(appended(), 2);
    assert.equal(state.syncs, 0);
    await wait(30);
    assert.equal(state.syncs, 1, 'one fsync for the burst');
    writer.close();
  });

  test('while the disk refuses writes, lines wait in memory in order and are written once it accepts again', async () => {
    const { state, store } = createFakeStore();
    const { writer, log } = createWriter(store);
    state.full = true;
    writer.append('a');
    writer.append('b');
    await wait(30);
    assert.deepEqual(state.lines, []);
    assert.deepEqual(log.messages('error'), ['cannot write the event spool; holding events in memory'], 'logged once');
    state.full = false;
    writer.append('c');
    assert.deepEqual(state.lines, [], 'a new line never overtakes held ones');
    await wait(30);
    assert.deepEqual(state.lines, ['a', 'b', 'c']);
    assert.ok(log.messages('info').includes('event spool writable again'));
    writer.close();
  });

  test('held lines are bounded by maxBytes: the oldest are dropped and counted', () => {
    const { state, store } = createFakeStore();
    const { writer, drops } = createWriter(store, 50);
    state.full = true;
    for (let n = 0; n < 10; n++) writer.append(`line ${n}`.padEnd(9));
    assert.equal(
      drops.reduce((sum, [count]) => sum + count, 0),
      5,
    );
    state.full = false;
    assert.equal(writer.flush(), true);
    assert.deepEqual(
      state.lines.map((l) => l.trim()),
      ['line 5', 'line 6', 'line 7', 'line 8', 'line 9'],
    );
    writer.close();
  });

  test('closing while the disk still refuses counts the held lines as dropped', () => {
    const { state, store } = createFakeStore();
    const { writer, drops, log } = createWriter(store);
    state.full = true;
    writer.append('a');
    writer.append('b');
    writer.close();
    assert.deepEqual(drops, [[2, 'closed']]);
    assert.ok(log.messages('error').includes('event spool closed with events the disk refused'));
  });

  test('a line larger than maxRecordBytes is dropped and counted', () => {
    const { state, store } = createFakeStore();
    const { writer, drops } = createWriter(store);
    writer.append('x'.repeat(300));
    assert.deepEqual(drops, [[1, 'too-large']]);
    assert.deepEqual(state.lines, []);
    writer.close();
  });
});
