import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { Logger } from '@opentelemetry/api';
import {
  openEventSpool,
  type EventSpoolOptions,
  type SpoolingLogRecordProcessor,
} from '../../src/telemetry/spool/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { createCaptureLog, createTempDir } from '../unit/spool/support.ts';

/**
 * The spool in front of the real OTLP/HTTP protobuf exporter, against an in-process collector that fails on demand.
 * Backoff is capped at 100 ms (instead of 60 s) so that outages of a second or two exercise many retries; the
 * 10-minute outage with production backoff is simulated in virtual time in test/unit/spool/sender-loop.test.ts.
 */
describe('event spool → OTLP exporter → collector', () => {
  let receiver: OtlpReceiver;
  let temp: ReturnType<typeof createTempDir>;
  let spool: SpoolingLogRecordProcessor;
  let provider: LoggerProvider;
  let logger: Logger;
  let log: ReturnType<typeof createCaptureLog>;

  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  beforeEach(() => {
    receiver.reset();
    receiver.setDown(false);
    receiver.failNext(0, 200);
    temp = createTempDir();
    log = createCaptureLog();
  });

  /**
   * Opens the spool. `timeoutMillis` 500 (for fault tests): the exporter's own retries (1 s and more apart) never
   * fit, so every failure reaches the spool; a loaded machine may then time out a request the collector did take,
   * which is the at-least-once case (see {@link firstArrivals}).
   */
  function openSpool(timeoutMillis: number, extra: Partial<EventSpoolOptions> = {}): void {
    const url = `${receiver.url}/v1/logs`;
    const exporter = new OTLPLogExporter({ url, timeoutMillis });
    const resource = resourceFromAttributes({ 'service.name': 'm365-health-test' });
    spool = openEventSpool({
      dir: join(temp.dir, 'spool'),
      exporter,
      exporterUrl: url,
      resource,
      log,
      backoff: { initialMs: 20, maxMs: 100 },
      failureLogIntervalMs: 500,
      maxBatchRecords: 20,
      ...extra,
    });
    provider = new LoggerProvider({ resource, processors: [spool] });
    logger = provider.getLogger('m365-health', '0.1.0');
  }

  afterEach(async () => {
    await provider.shutdown();
    temp.remove();
  });

  const emit = (from: number, to: number) => {
    for (let n = from; n < to; n++)
      logger.emit({
        eventName: 'm365.service.status_change',
        severityText: 'WARN',
        severityNumber: 13,
        body: `event ${n}`,
        attributes: { seq: n },
      });
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

  test('delivers every event once, in order, with its fields and an m365.event.id', async () => {
    openSpool(10_000);
    emit(0, 50);
    await spool.forceFlush();
    assert.deepEqual(seqs(), range(50));
    const [first] = receiver.logs();
    assert.equal(first.eventName, 'm365.service.status_change');
    assert.equal(first.body, 'event 0');
    assert.equal(first.severityNumber, 13);
    assert.equal(first.scope, 'm365-health');
    assert.equal(first.resource['service.name'], 'm365-health-test');
    assert.equal(new Set(receiver.logs().map((r) => r.attributes['m365.event.id'])).size, 50);
    assert.equal(spool.pendingBytes(), 0);
    assert.equal(log.lines.filter((l) => l.level !== 'info').length, 0);
  });

  test('a collector answering 503, 500 and 429 for a while loses nothing and logs its status', async () => {
    openSpool(500);
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
    assert.ok(log.messages('info').includes('event export recovered'));
  });

  test('a collector down for a while: events wait on disk and all arrive once it is back', async () => {
    openSpool(500);
    receiver.setDown(true);
    emit(0, 15);
    await receiver.waitFor(() => receiver.droppedConnections() >= 3, 5000);
    emit(15, 30);
    await receiver.waitFor(() => log.messages('warn').includes('event export still failing'), 5000);
    assert.equal(receiver.logs().length, 0);
    assert.ok(spool.pendingBytes() > 0);
    const failed = log.lines.find((l) => l.message === 'event export failed; events stay in the spool and are retried');
    assert.match(String(failed?.fields.reason), /socket hang up|ECONNRESET/);
    assert.ok(log.messages('warn').includes('event export still failing'));
    receiver.setDown(false);
    await receiver.waitFor(() => new Set(seqs()).size === 30, 5000);
    assert.deepEqual(firstArrivals(), range(30));
    const recovered = log.lines.find((l) => l.message === 'event export recovered');
    assert.ok(recovered && Number(recovered.fields.attempts) >= 3);
  });

  test('overflow during an outage drops the oldest, counts them, and delivers the rest in order', async () => {
    const drops: number[] = [];
    openSpool(500, { maxBytes: 16 * 1024, segmentBytes: 2048, onDrop: (count) => drops.push(count) });
    receiver.setDown(true);
    emit(0, 300);
    const dropped = drops.reduce((a, b) => a + b, 0);
    assert.ok(dropped > 100 && spool.droppedCount() === dropped, `${dropped} dropped`);
    receiver.setDown(false);
    await spool.forceFlush();
    const arrived = firstArrivals() as number[];
    assert.equal(arrived.length + dropped, 300);
    assert.deepEqual(
      arrived,
      range(arrived.length).map((i) => 300 - arrived.length + i),
    );
  });

  test('a collector answering 413: the batch goes again in halves; an event refused alone is dropped and counted', async () => {
    const drops: [number, string][] = [];
    openSpool(10_000, { onDrop: (count, reason) => drops.push([count, reason]) });
    receiver.failNext(2, 413);
    emit(0, 8);
    await spool.forceFlush();
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
    await spool.forceFlush();
    assert.deepEqual(drops, [[1, 'too-large-for-collector']]);
    emit(9, 10);
    await spool.forceFlush();
    assert.deepEqual(seqs(), [...range(8), 9]);
    assert.equal(spool.pendingBytes(), 0);
    const dropped = log.lines.filter(
      (l) => l.message === 'collector refused an event as too large even alone (413); dropped',
    );
    assert.equal(dropped.length, 1);
    assert.equal(typeof dropped[0].fields.id, 'string');
  });
});
