import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportWatch } from '../../src/telemetry/export-watch.ts';
import { Outbox, type DropReason } from '../../src/telemetry/outbox/outbox.ts';
import { OutboxSender } from '../../src/telemetry/outbox/outbox-sender.ts';
import { sleep } from '../../src/shared/sleep.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { createCaptureLog } from '../helpers/capture-log.ts';

/**
 * The outbox's sender in front of the real OTLP/HTTP protobuf exporter, against an in-process collector that fails
 * on demand. Backoff is capped at 100 ms (instead of 60 s) so that outages of a second or two exercise many
 * retries; the 10-minute outage with production backoff is simulated in virtual time in
 * test/unit/outbox/outbox-sender.test.ts.
 */
describe('outbox → OTLP exporter → collector', () => {
  let receiver: OtlpReceiver;
  let outbox: Outbox;
  let sender: OutboxSender;
  let watch: ExportWatch;
  let log: ReturnType<typeof createCaptureLog>;
  let drops: [number, DropReason][];

  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  beforeEach(() => {
    receiver.reset();
    receiver.setDown(false);
    receiver.failNext(0, 200);
    log = createCaptureLog();
    drops = [];
  });

  /**
   * Starts the sender. `timeoutMillis` 500 (for fault tests): the exporter's own retries (1 s and more apart) never
   * fit, so every failure reaches the sender; a loaded machine may then time out a request the collector did take,
   * which is the at-least-once case (see {@link firstArrivals}).
   */
  function openOutbox(timeoutMillis: number, maxBytes = 1 << 20): void {
    const url = `${receiver.url}/v1/logs`;
    outbox = new Outbox({ maxBytes, log, clock: Date.now, onDrop: (count, reason) => drops.push([count, reason]) });
    watch = new ExportWatch({ log, clock: Date.now, repeatMs: 500 });
    sender = new OutboxSender({
      outbox,
      exporter: new OTLPLogExporter({ url, timeoutMillis }),
      watch,
      target: { signal: 'logs', url },
      resource: resourceFromAttributes({ 'service.name': 'm365-health-test' }),
      scope: { name: 'm365-health', version: '0.1.0' },
      log,
      backoff: { initialMs: 20, maxMs: 100 },
      maxBatchEvents: 20,
      sleep,
    });
    sender.start();
  }

  afterEach(async () => {
    await sender.stop();
    watch.close();
  });

  const flush = async () => assert.equal(await sender.flush(5000), true, 'the outbox drains');
  const emit = (from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const record = {
        eventName: 'm365.service.status_change',
        severityText: 'WARN',
        severityNumber: 13,
        body: `event ${n}`,
        attributes: { seq: n, 'm365.event.id': `tenant-${n % 3}/${n}` },
      };
      outbox.admit(`tenant-${n % 3}`, outbox.encode([record]));
    }
  };
  const seqs = () => receiver.logs().map((r) => r.attributes.seq);
  /** The sequence numbers in order of first arrival, checking that any repeat carries the first one's event id. */
  const firstArrivals = () => {
    const ids = new Map<unknown, unknown>();
    for (const record of receiver.logs()) {
      const id = record.attributes['m365.event.id'];
      if (!ids.has(record.attributes.seq)) ids.set(record.attributes.seq, id);
      else assert.equal(ids.get(record.attributes.seq), id, 'a repeat carries the same m365.event.id');
    }
    return [...ids.keys()];
  };
  const range = (to: number) => Array.from({ length: to }, (_, n) => n);

  test('delivers every event once, in order across tenants, with its fields and its m365.event.id', async () => {
    openOutbox(10_000);
    emit(0, 50);
    await flush();
    assert.deepEqual(seqs(), range(50));
    const [first] = receiver.logs();
    assert.equal(first.eventName, 'm365.service.status_change');
    assert.equal(first.body, 'event 0');
    assert.equal(first.severityNumber, 13);
    assert.equal(first.scope, 'm365-health');
    assert.equal(first.resource['service.name'], 'm365-health-test');
    assert.equal(new Set(receiver.logs().map((r) => r.attributes['m365.event.id'])).size, 50);
    assert.equal(outbox.pendingCount, 0);
    assert.equal(log.lines.filter((l) => l.level !== 'info').length, 0);
  });

  test('a collector answering 503, 500 and 429 for a while loses nothing and logs its status', async () => {
    openOutbox(500);
    receiver.failNext(4, 503);
    emit(0, 10);
    await receiver.waitFor(() => receiver.requests().length >= 5, 5000);
    receiver.failNext(3, 500);
    emit(10, 20);
    await receiver.waitFor(() => receiver.requests().filter((r) => r.status === 500).length === 3, 5000);
    receiver.failNext(3, 429, { 'retry-after': '0' });
    emit(20, 30);
    await receiver.waitFor(() => new Set(seqs()).size === 30, 5000);
    assert.deepEqual(firstArrivals(), range(30));
    const failures = log.lines.filter((l) => l.level === 'warn').map((l) => l.fields.status);
    assert.ok(failures.includes(503), `503 recovered from the wire: ${failures.join(', ')}`);
    assert.ok(failures.includes(500));
    assert.ok(log.messages('info').includes('logs export recovered'));
  });

  test('a collector down for a while: events wait in the outbox and all arrive once it is back', async () => {
    openOutbox(500);
    receiver.setDown(true);
    emit(0, 15);
    await receiver.waitFor(() => receiver.droppedConnections() >= 3, 5000);
    emit(15, 30);
    await receiver.waitFor(() => log.messages('warn').includes('logs export still failing'), 5000);
    assert.equal(receiver.logs().length, 0);
    assert.equal(outbox.pendingCount, 30);
    const failed = log.lines.find((l) => l.message === 'logs export failed');
    assert.match(String(failed?.fields.reason), /socket hang up|ECONNRESET/);
    receiver.setDown(false);
    await receiver.waitFor(() => new Set(seqs()).size === 30, 5000);
    assert.deepEqual(firstArrivals(), range(30));
    const recovered = log.lines.find((l) => l.message === 'logs export recovered');
    assert.ok(recovered && Number(recovered.fields.attempts) >= 3);
  });

  test('overflow during an outage drops the oldest, counts them, and delivers the rest in order', async () => {
    openOutbox(500, 16 * 1024);
    receiver.setDown(true);
    emit(0, 300);
    const dropped = drops.reduce((sum, [count]) => sum + count, 0);
    assert.ok(dropped > 100, `${dropped} dropped`);
    assert.ok(drops.every(([, reason]) => reason === 'overflow'));
    receiver.setDown(false);
    await flush();
    const arrived = firstArrivals() as number[];
    assert.equal(arrived.length + dropped, 300);
    assert.deepEqual(
      arrived,
      range(arrived.length).map((i) => 300 - arrived.length + i),
    );
  });

  test('a collector answering 413: the batch goes again in halves; an event refused alone is dropped and counted', async () => {
    openOutbox(10_000);
    receiver.failNext(2, 413);
    emit(0, 8);
    await flush();
    assert.deepEqual(seqs(), range(8));
    assert.deepEqual(
      receiver
        .requests()
        .map((r) => r.status)
        .slice(0, 3),
      [413, 413, 200],
    );
    assert.deepEqual(drops, []);

    receiver.failNext(1, 413);
    emit(8, 9);
    await flush();
    assert.deepEqual(drops, [[1, 'too-large-for-collector']]);
    emit(9, 10);
    await flush();
    assert.deepEqual(seqs(), [...range(8), 9]);
    assert.equal(outbox.pendingCount, 0);
    const dropped = log.lines.filter(
      (l) => l.message === 'collector refused an event as too large even alone (413); dropped',
    );
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0].fields.id, 'tenant-2/8', 'logged with its m365.event.id');
  });
});
