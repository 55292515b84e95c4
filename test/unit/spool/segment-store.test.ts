import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { SegmentStore, type SegmentStoreOptions } from '../../../src/telemetry/spool/segment-store.ts';
import { createTempDir } from './support.ts';

let temp: ReturnType<typeof createTempDir>;
let options: SegmentStoreOptions;
beforeEach(() => {
  temp = createTempDir();
  options = { dir: join(temp.dir, 'spool'), maxBytes: 1 << 20, segmentBytes: 100 };
});
afterEach(() => temp.remove());

const line = (n: number) => `{"n":${String(n).padStart(4, '0')}}`; // 10 bytes + newline
const segmentFiles = () =>
  readdirSync(options.dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();

function readAll(store: SegmentStore): string[] {
  const texts: string[] = [];
  for (;;) {
    const read = store.read(1000, 1 << 20);
    if (read.lines.length === 0) return texts;
    texts.push(...read.lines.map((l) => l.text));
    store.acknowledge(read.end);
  }
}

describe('SegmentStore', () => {
  test('reads lines back in order across segments, and deletes segments once acknowledged', () => {
    const { store } = SegmentStore.open(options);
    for (let n = 0; n < 20; n++) store.append(line(n));
    assert.equal(segmentFiles().length, 3, '11-byte lines, 100-byte segments: 9 + 9 + 2');
    const first = store.read(5, 1 << 20);
    assert.deepEqual(
      first.lines.map((l) => l.text),
      [0, 1, 2, 3, 4].map(line),
    );
    assert.ok(first.lines.every((l) => l.complete));
    store.acknowledge(first.end);
    assert.deepEqual(
      readAll(store),
      Array.from({ length: 15 }, (_, i) => line(i + 5)),
    );
    assert.equal(store.pendingBytes(), 0);
    assert.equal(segmentFiles().length, 1, 'the last segment stays, with the cursor at its end');
    assert.ok(store.isAcknowledged(store.end()));
    store.close();
  });

  test('a batch never exceeds the byte bound, except to carry one line longer than it', () => {
    const { store } = SegmentStore.open({ ...options, segmentBytes: 10_000 });
    for (let n = 0; n < 10; n++) store.append(line(n));
    store.append(`"${'x'.repeat(200)}"`);
    assert.equal(store.read(100, 30).lines.length, 2);
    store.acknowledge(store.read(10, 1 << 20).end);
    const long = store.read(100, 30);
    assert.equal(long.lines.length, 1);
    assert.equal(long.lines[0].text.length, 202);
    store.close();
  });

  test('a reopened spool resumes at its cursor and appends to a new segment', () => {
    const first = SegmentStore.open(options).store;
    for (let n = 0; n < 10; n++) first.append(line(n));
    first.acknowledge(first.read(4, 1 << 20).end);
    first.close();
    const { store, report } = SegmentStore.open(options);
    assert.equal(report.pendingBytes, 6 * 11);
    store.append(line(10));
    assert.deepEqual(readAll(store), [4, 5, 6, 7, 8, 9, 10].map(line));
    store.close();
  });

  test('keeps the directory 0700 and every file 0600', () => {
    mkdirSync(options.dir, { mode: 0o755 });
    chmodSync(options.dir, 0o755);
    const { store, report } = SegmentStore.open(options);
    for (let n = 0; n < 10; n++) store.append(line(n));
    store.acknowledge(store.read(3, 1 << 20).end);
    store.close();
    assert.equal(report.dirModeFixed, true);
    assert.equal(statSync(options.dir).mode & 0o777, 0o700);
    const files = readdirSync(options.dir);
    assert.ok(files.includes('cursor.json'));
    for (const name of files) assert.equal(statSync(join(options.dir, name)).mode & 0o777, 0o600, name);
  });

  test('beyond maxBytes the oldest segments are dropped, counted, and the rest stays in order', () => {
    const { store } = SegmentStore.open({ ...options, maxBytes: 260 });
    let dropped = 0;
    for (let n = 0; n < 40; n++) dropped += store.append(line(n));
    assert.ok(store.pendingBytes() <= 260);
    const kept = readAll(store);
    assert.equal(dropped + kept.length, 40, 'every line is either kept or counted as dropped');
    assert.deepEqual(
      kept,
      Array.from({ length: kept.length }, (_, i) => line(40 - kept.length + i)),
      'the newest are kept',
    );
    assert.equal(dropped, 18, 'two whole 9-line segments');
    store.close();
  });

  test('overflow counts only what was not yet acknowledged, and a late acknowledgement never moves back', () => {
    const { store } = SegmentStore.open({ ...options, maxBytes: 130, segmentBytes: 65 });
    for (let n = 0; n < 10; n++) store.append(line(n));
    const inFlight = store.read(3, 1 << 20);
    let dropped = 0;
    for (let n = 10; n < 15; n++) dropped += store.append(line(n));
    assert.equal(dropped, 5, 'the first segment (lines 0-4) went, in-flight ones included');
    store.acknowledge(inFlight.end);
    assert.deepEqual(readAll(store), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(line));
    store.close();
  });

  test('a torn last line of an earlier run comes back incomplete, and garbage lines come back as they are', () => {
    const first = SegmentStore.open(options).store;
    first.append(line(0));
    first.close();
    const [name] = segmentFiles();
    appendFileSync(join(options.dir, name), 'not json at all\n{"n":00');
    const { store } = SegmentStore.open(options);
    store.append(line(1));
    const read = store.read(10, 1 << 20);
    assert.deepEqual(
      read.lines.map((l) => [l.text, l.complete]),
      [
        [line(0), true],
        ['not json at all', true],
        ['{"n":00', false],
      ],
    );
    store.acknowledge(read.end);
    assert.deepEqual(readAll(store), [line(1)]);
    store.close();
  });

  test('an unreadable cursor file is reported and everything on disk is read again', () => {
    const first = SegmentStore.open(options).store;
    for (let n = 0; n < 3; n++) first.append(line(n));
    first.acknowledge(first.read(2, 1 << 20).end);
    first.close();
    writeFileSync(join(options.dir, 'cursor.json'), '{"segment":');
    const { store, report } = SegmentStore.open(options);
    assert.equal(report.cursorProblem, 'not a {segment, offset} object');
    assert.deepEqual(readAll(store), [0, 1, 2].map(line));
    store.close();
  });

  test("a segment cut short behind the spool's back is skipped, later ones still delivered", () => {
    const { store } = SegmentStore.open(options);
    for (let n = 0; n < 10; n++) store.append(line(n));
    truncateSync(join(options.dir, segmentFiles()[0]), 26);
    const read = store.read(10, 1 << 20);
    assert.deepEqual(
      read.lines.map((l) => [l.text, l.complete]),
      [
        [line(0), true],
        [line(1), true],
        ['{"n"', false],
      ],
    );
    store.acknowledge(read.end);
    assert.deepEqual(readAll(store), [line(9)], 'lines 2-8 are gone with the cut, line 9 (next segment) arrives');
    store.append(line(10));
    assert.deepEqual(readAll(store), [line(10)]);
    store.close();
  });

  test('leftover temporary files are removed; other files are left alone', () => {
    mkdirSync(options.dir, { recursive: true });
    writeFileSync(join(options.dir, 'cursor.json.123.tmp'), 'partial');
    writeFileSync(join(options.dir, 'README'), 'kept');
    SegmentStore.open(options).store.close();
    assert.deepEqual(readdirSync(options.dir).sort(), ['README']);
    assert.equal(readFileSync(join(options.dir, 'README'), 'utf8'), 'kept');
  });
});
