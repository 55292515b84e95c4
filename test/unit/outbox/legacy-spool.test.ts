import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importLegacySpool } from '../../../src/telemetry/outbox/legacy-spool.ts';
import { Outbox, type DropReason } from '../../../src/telemetry/outbox/outbox.ts';
import { createCaptureLog, createTempDir } from '../../helpers/capture-log.ts';

/** A line as the spool of earlier versions wrote it (format 1). */
const spooled = (n: number) =>
  JSON.stringify({
    v: 1,
    time: [1_700_000_000 + n, 0],
    observed: [1_700_000_000 + n, 0],
    event: 'm365.service.status_change',
    attributes: { n, 'm365.event.id': `t/${n}` },
    dropped: 0,
    scope: { name: 'm365-health' },
  });

let temp: ReturnType<typeof createTempDir>;
let spool: string;
beforeEach(() => {
  temp = createTempDir();
  spool = join(temp.dir, 'spool');
});
afterEach(() => temp.remove());

function createOutbox() {
  const log = createCaptureLog();
  const drops: [number, DropReason][] = [];
  const outbox = new Outbox({
    maxBytes: 1 << 20,
    log,
    clock: Date.now,
    onDrop: (n, reason) => drops.push([n, reason]),
  });
  return { outbox, log, drops };
}

describe('the event spool of an earlier version', () => {
  test('its undelivered events (from its cursor on) go into the outbox, and the directory goes once they are sent', async () => {
    mkdirSync(spool);
    writeFileSync(join(spool, '000000000001.jsonl'), `${spooled(0)}\n${spooled(1)}\n`);
    writeFileSync(join(spool, '000000000002.jsonl'), `${spooled(2)}\ngarbage\n{"v":1,"time":[1,`);
    writeFileSync(join(spool, 'cursor.json'), JSON.stringify({ segment: 1, offset: spooled(0).length + 1 }));
    writeFileSync(join(spool, 'lock'), '{}');
    const { outbox, log, drops } = createOutbox();
    await importLegacySpool(temp.dir, outbox, log);
    const batch = outbox.oldest(10, 1 << 20);
    assert.deepEqual(
      batch.map((entry) => entry.event.attributes['m365.event.id']),
      ['t/1', 't/2'],
      'in order, the delivered one left out, each with its id',
    );
    assert.deepEqual(
      drops,
      [
        [1, 'corrupt'],
        [1, 'corrupt'],
      ],
      'a garbage line and a torn one',
    );
    assert.ok(log.messages('info').includes('delivering the events left in the old event spool'));
    outbox.settle(batch.slice(0, 1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(existsSync(spool), 'kept until every event is sent');
    outbox.settle(batch.slice(1));
    await waitFor(() => log.messages('info').includes('old event spool drained and removed'));
    assert.equal(existsSync(spool), false);
  });

  test('none there: nothing happens; an empty one is removed at once', async () => {
    const { outbox, log } = createOutbox();
    await importLegacySpool(temp.dir, outbox, log);
    assert.deepEqual(log.lines, []);
    mkdirSync(spool);
    writeFileSync(join(spool, 'cursor.json'), '{"segment":3,"offset":0}');
    await importLegacySpool(temp.dir, outbox, log);
    assert.equal(existsSync(spool), false);
    assert.equal(outbox.pendingCount, 0);
  });
});

async function waitFor(predicate: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !predicate();) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
