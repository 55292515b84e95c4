import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { decodeEvent, encodeEvent, rebuildRecord } from '../../../src/telemetry/outbox/event-codec.ts';
import { Outbox, type DropReason } from '../../../src/telemetry/outbox/outbox.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';

const resource = resourceFromAttributes({ 'service.name': 'm365-health' });
const scope = { name: 'm365-health', version: '1.2.3' };

/** Encoded as a state file keeps it, read back, and rebuilt as the exporter gets it. */
const roundTrip = (record: LogRecord) =>
  rebuildRecord(decodeEvent(JSON.parse(JSON.stringify(encodeEvent(record, 1, 5_000)))), resource, scope);

describe('event codec', () => {
  test('an event survives the state file with its fields; the sending process gives resource and scope', () => {
    const rebuilt = roundTrip({
      eventName: 'm365.issue.update',
      timestamp: 1_700_000_000_123,
      severityNumber: 13,
      severityText: 'WARN',
      body: 'first\nsecond',
      attributes: { 'm365.event.id': 'tenant/1/i1/EX1', 'm365.issue.resolved': false },
    });
    assert.equal(rebuilt.eventName, 'm365.issue.update');
    assert.deepEqual(rebuilt.hrTime, [1_700_000_000, 123_000_000]);
    assert.deepEqual(rebuilt.hrTimeObserved, [5, 0]);
    assert.equal(rebuilt.severityNumber, 13);
    assert.equal(rebuilt.body, 'first\nsecond');
    assert.deepEqual(rebuilt.attributes, { 'm365.event.id': 'tenant/1/i1/EX1', 'm365.issue.resolved': false });
    assert.equal(rebuilt.resource, resource);
    assert.equal(rebuilt.instrumentationScope, scope);
  });

  test('values JSON cannot carry are tagged and restored exactly', () => {
    const body = { nested: [1, 'a', Number.NaN, Number.POSITIVE_INFINITY, new Uint8Array([1, 2])], $map: 'plain' };
    const attributes = JSON.parse('{"__proto__":"kept","$map":"plain"}') as Record<string, string>;
    const rebuilt = roundTrip({ eventName: 'e', body, attributes });
    assert.deepEqual(rebuilt.body, body);
    assert.equal(Object.getPrototypeOf(rebuilt.attributes), Object.prototype);
    assert.deepEqual(Object.keys(rebuilt.attributes), ['__proto__', '$map']);
  });

  test('an event without optional fields stays without them', () => {
    const rebuilt = roundTrip({});
    assert.equal(rebuilt.body, undefined);
    assert.equal(rebuilt.eventName, undefined);
  });

  for (const [raw, reason] of [
    ['garbage', /not an object/],
    [{ n: 1.5 }, /n is not a whole number/],
    [{ n: 1, time: [1], observed: [1, 0], attributes: {} }, /time is not/],
    [{ n: 1, time: [1, 0], observed: [1, 0], attributes: { a: { $x: 1 } } }, /unknown tag/],
    [{ n: 1, time: [1, 0], observed: [1, 0], attributes: {}, event: 7 }, /event is not a string/],
  ] as const)
    test(`refuses ${JSON.stringify(raw)}`, () => assert.throws(() => decodeEvent(raw), reason));
});

function createOutbox(maxBytes = 1 << 20) {
  const log = createCaptureLog();
  const drops: [number, DropReason][] = [];
  let now = 1_000;
  const outbox = new Outbox({
    maxBytes,
    log,
    clock: () => now++,
    onDrop: (count, reason) => drops.push([count, reason]),
  });
  const add = (tenant: string, ...ns: number[]) =>
    outbox.admit(tenant, outbox.encode(ns.map((n) => ({ eventName: 'e', body: 'x'.repeat(100), attributes: { n } }))));
  const ns = () => outbox.oldest(1000, 1 << 30).map((entry) => entry.event.attributes.n);
  return { outbox, log, drops, add, ns };
}

describe('Outbox', () => {
  test('pending events of every tenant, oldest first; each tenant sees its own; settling tells the tenants', () => {
    const { outbox, add, ns } = createOutbox();
    const told: string[][] = [];
    outbox.onSettled((tenants) => told.push([...tenants]));
    add('contoso', 1, 2);
    add('fabrikam', 3);
    add('contoso', 4);
    assert.deepEqual(ns(), [1, 2, 3, 4]);
    assert.deepEqual(
      outbox.pendingOf('contoso').map((event) => event.attributes.n),
      [1, 2, 4],
    );
    outbox.settle(outbox.oldest(3, 1 << 30));
    assert.deepEqual(ns(), [4]);
    assert.deepEqual(told, [['contoso', 'fabrikam']], 'one notice per settle, each tenant once');
    assert.deepEqual(outbox.pendingOf('fabrikam'), []);
    outbox.settle(outbox.oldest(3, 1 << 30).concat(outbox.oldest(3, 1 << 30)));
    assert.equal(outbox.pendingCount, 0);
  });

  test('events taken back from state files take their place by number; numbers go on after the highest', () => {
    const { outbox, ns } = createOutbox();
    const old = (n: number) => ({ n, time: [1, 0], observed: [1, 0], attributes: { n } });
    outbox.admit('fabrikam', [old(2_000_000_000_000_000)]);
    outbox.admit('contoso', [old(5), old(9)]);
    assert.deepEqual(ns(), [5, 9, 2_000_000_000_000_000]);
    const [fresh] = outbox.encode([{ eventName: 'later' }]);
    assert.ok(fresh.n > 2_000_000_000_000_000);
  });

  test('a batch is bounded by count and bytes, but always carries one event', () => {
    const { outbox, add } = createOutbox();
    add('contoso', 1, 2, 3);
    assert.equal(outbox.oldest(2, 1 << 30).length, 2);
    assert.equal(outbox.oldest(10, 300).length, 1);
    assert.equal(outbox.oldest(10, 1).length, 1);
  });

  test('beyond the bound the oldest events are dropped, counted and logged; the newest stay in order', () => {
    const { add, ns, drops, log } = createOutbox(8192);
    for (let n = 0; n < 200; n++) add(n % 2 === 0 ? 'contoso' : 'fabrikam', n);
    const dropped = drops.reduce((sum, [count]) => sum + count, 0);
    assert.ok(dropped > 100, `${dropped} dropped`);
    assert.ok(drops.every(([, reason]) => reason === 'overflow'));
    assert.ok(log.messages('warn').includes('event outbox full, oldest events dropped'));
    const left = ns();
    assert.equal(left.length + dropped, 200);
    assert.deepEqual(
      left,
      Array.from({ length: left.length }, (_, i) => 200 - left.length + i),
    );
  });

  test('an event too large for the outbox, or one that cannot be encoded, is dropped and counted', () => {
    const { outbox, drops } = createOutbox(8192);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const kept = outbox.encode([
      { eventName: 'big', body: 'x'.repeat(4096) },
      { eventName: 'cyclic', body: cyclic },
      { eventName: 'fine' },
    ]);
    assert.deepEqual(
      kept.map((event) => event.event),
      ['fine'],
    );
    assert.deepEqual(drops, [
      [1, 'too-large'],
      [1, 'unencodable'],
    ]);
  });

  test('corrupt events read back are skipped, counted and reported once; the others are kept', () => {
    const { outbox, drops, log, ns } = createOutbox();
    outbox.admit('contoso', ['garbage', { n: 1, time: [1, 0], observed: [1, 0], attributes: { n: 1 } }, { n: 'x' }]);
    assert.deepEqual(ns(), [1]);
    assert.deepEqual(drops, [
      [1, 'corrupt'],
      [1, 'corrupt'],
    ]);
    assert.deepEqual(log.messages('warn'), ['corrupt events in the outbox skipped']);
  });
});
