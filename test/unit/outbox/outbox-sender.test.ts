import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportWatch } from '../../../src/telemetry/export-watch.ts';
import { Outbox, type DropReason } from '../../../src/telemetry/outbox/outbox.ts';
import { OutboxSender, type OutboxSenderOptions } from '../../../src/telemetry/outbox/outbox-sender.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';

/** Virtual time: every sleep advances the clock at once, so a 10-minute outage takes milliseconds. */
function createVirtualTime() {
  const time = { now: 0, sleeps: [] as number[] };
  const sleep = async (ms: number, signal: AbortSignal) => {
    time.sleeps.push(ms);
    time.now += ms;
    await nextTurn();
    if (signal.aborted) throw signal.reason;
  };
  return { time, sleep };
}

/**
 * An exporter answering each batch with the error `refuse` gives for it (none: accepted), asynchronously as a real
 * one does; it records what it was asked to export and what it delivered.
 */
function createScriptedExporter(refuse: (records: readonly ReadableLogRecord[]) => OTLPExporterError | undefined) {
  const delivered: ReadableLogRecord[] = [];
  const batches: (readonly ReadableLogRecord[])[] = [];
  const exporter: LogRecordExporter = {
    export(records, callback) {
      batches.push(records);
      const error = refuse(records);
      setImmediate(() => {
        if (error) return callback({ code: ExportResultCode.FAILED, error });
        delivered.push(...records);
        callback({ code: ExportResultCode.SUCCESS });
      });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  return { exporter, delivered, batches };
}

/** An exporter answering 503 until `upAt` (virtual time), then accepting; `attempts` are the times it was asked. */
function createFlakyExporter(clock: () => number, upAt: number) {
  const attempts: number[] = [];
  const scripted = createScriptedExporter(() => {
    attempts.push(clock());
    return clock() < upAt ? new OTLPExporterError('Service Unavailable', 503, 'collector restarting') : undefined;
  });
  return { ...scripted, attempts };
}

/** Admits events numbered `from`…`to - 1`, spread over three tenants, as commits do. */
function admit(from: number, to: number): void {
  for (let n = from; n < to; n++)
    outbox.admit(
      `tenant-${n % 3}`,
      outbox.encode([{ eventName: 'e', timestamp: 1_700_000_000_000 + n, attributes: { n } }]),
    );
}

/** Waits (in real time, without hurrying the sender) until `predicate` holds. */
async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await nextTurn();
  }
}

const URL_OF_LOGS = 'http://127.0.0.1:1/v1/logs';

let outbox: Outbox;
let drops: [number, DropReason][];
beforeEach(() => {
  drops = [];
  let numbering = 0;
  outbox = new Outbox({
    maxBytes: 1 << 20,
    log: createCaptureLog(),
    clock: () => numbering++,
    onDrop: (count, reason) => drops.push([count, reason]),
  });
});

function createSender(
  overrides: Partial<OutboxSenderOptions> & Pick<OutboxSenderOptions, 'exporter' | 'sleep'>,
  clock: () => number,
) {
  const log = createCaptureLog();
  const watch = new ExportWatch({ log, clock, repeatMs: 60_000 });
  const sender = new OutboxSender({
    outbox,
    watch,
    target: { signal: 'logs', url: URL_OF_LOGS },
    resource: resourceFromAttributes({ 'service.name': 'test' }),
    scope: { name: 'm365-health' },
    log,
    backoff: { initialMs: 1000, maxMs: 60_000 },
    maxBatchEvents: 10,
    exportTimeoutMs: 5000,
    random: () => 0.5,
    ...overrides,
  });
  return { sender, log, watch };
}

/** An exporter answering 413 to a batch that `tooLarge` refuses, accepting the others. */
function createSizeLimitedExporter(tooLarge: (records: readonly ReadableLogRecord[]) => boolean) {
  const scripted = createScriptedExporter((records) =>
    tooLarge(records) ? new OTLPExporterError('Payload Too Large', 413, 'request body too large') : undefined,
  );
  return {
    ...scripted,
    get sizes(): number[] {
      return scripted.batches.map((batch) => batch.length);
    },
  };
}

describe('OutboxSender', () => {
  test('a 10-minute collector outage: retried with capped backoff, logged sparingly, everything delivered in order', async () => {
    const { time, sleep } = createVirtualTime();
    const clock = () => time.now;
    const flaky = createFlakyExporter(clock, 10 * 60_000);
    admit(0, 100);
    const { sender, log } = createSender({ exporter: flaky.exporter, sleep }, clock);
    sender.start();
    await waitUntil(() => outbox.pendingCount === 0);
    await sender.stop();

    assert.deepEqual(
      flaky.delivered.map((r) => r.attributes.n),
      Array.from({ length: 100 }, (_, n) => n),
    );
    assert.ok(time.now >= 600_000 && time.now < 660_000, `recovered ${time.now} ms after the start`);
    assert.ok(
      time.sleeps.every((ms) => ms >= 500 && ms <= 60_000),
      `delays ${time.sleeps.join(', ')}`,
    );
    assert.deepEqual(
      time.sleeps.slice(0, 7),
      [750, 1500, 3000, 6000, 12_000, 24_000, 45_000],
      'doubling, 3/4 of the ceiling with random 0.5',
    );
    const failed = flaky.attempts.filter((at) => at < 10 * 60_000).length;
    assert.ok(failed >= 15 && failed < 25, `${failed} failed attempts in 10 minutes`);
    assert.equal(flaky.attempts.length, failed + 10, 'then ten batches of ten, without waiting');

    const warnings = log.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings[0].message, 'logs export failed');
    assert.equal(warnings[0].fields.status, 503);
    assert.equal(warnings[0].fields.body, 'collector restarting');
    const reminders = warnings.filter((l) => l.message === 'logs export still failing');
    assert.ok(
      reminders.length >= 5 && reminders.length <= 10,
      `${reminders.length} reminders for 10 minutes, one a minute at most`,
    );
    const recovered = log.lines.find((l) => l.message === 'logs export recovered');
    assert.equal(recovered?.fields.outageS, Math.round(flaky.attempts.at(-10)! / 1000));
    assert.equal(recovered?.fields.attempts, failed);
    assert.equal(outbox.pendingCount, 0);
  });

  test('events admitted while idle are sent promptly', async () => {
    const { sleep } = createVirtualTime();
    const flaky = createFlakyExporter(() => 0, 0);
    const { sender } = createSender({ exporter: flaky.exporter, sleep }, () => 0);
    sender.start();
    await nextTurn();
    admit(1, 2);
    await waitUntil(() => flaky.delivered.length === 1);
    assert.equal(await sender.flush(1000), true);
    await sender.stop();
    assert.equal(flaky.delivered.length, 1);
  });

  test('a flush cuts a backoff short; stop ends the loop and leaves the outbox as it is', async () => {
    let up = false;
    const delivered: unknown[] = [];
    const exporter: LogRecordExporter = {
      export: (records, callback) => {
        if (!up) return callback({ code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED') });
        delivered.push(...records);
        callback({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {},
      forceFlush: async () => {},
    };
    const sleep = (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        const aborted = () => reject(new Error('sleep aborted', { cause: signal.reason }));
        signal.addEventListener('abort', aborted, { once: true });
      });
    const { sender, log, watch } = createSender(
      { exporter, sleep, backoff: { initialMs: 3_600_000, maxMs: 3_600_000 } },
      Date.now,
    );
    admit(1, 2);
    sender.start();
    await nextTurn();
    assert.equal(delivered.length, 0);
    up = true;
    assert.equal(await sender.flush(1000), true, 'delivered without waiting out the hour');
    assert.equal(log.lines[0].fields.reason, 'connect ECONNREFUSED');
    assert.equal(watch.statuses()[0].failingSince, undefined, 'the failure forgotten once delivered');
    await sender.stop();
    admit(2, 3);
    assert.equal(await sender.flush(10), false);
    assert.equal(delivered.length, 1);
    assert.equal(outbox.pendingCount, 1);
  });

  test('an export that never calls back counts as failed after the export timeout', async () => {
    let calls = 0;
    const exporter: LogRecordExporter = {
      export: (records, callback) => {
        if (calls++ > 0) callback({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {},
      forceFlush: async () => {},
    };
    const { sleep } = createVirtualTime();
    const { sender, log } = createSender({ exporter, sleep, exportTimeoutMs: 20 }, () => 0);
    admit(1, 2);
    sender.start();
    await waitUntil(() => outbox.pendingCount === 0);
    await sender.stop();
    assert.equal(log.lines[0].fields.reason, 'export did not finish within 20 ms');
  });

  test("a collector's Retry-After longer than the backoff is honoured, within the cap", async () => {
    // The OTLP exporters leave a retryable status and its Retry-After out of their error: they are read off the wire.
    let answered = 0;
    const server: Server = createServer((request, response) => {
      const throttled = answered++ < 3;
      response.writeHead(throttled ? 429 : 200, throttled ? { 'retry-after': '40' } : {});
      response.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/logs`;
    const exporter: LogRecordExporter = {
      export: (records, callback) =>
        void get(url, (response) => {
          response.resume();
          response.on('end', () =>
            callback(
              response.statusCode === 200
                ? { code: ExportResultCode.SUCCESS }
                : { code: ExportResultCode.FAILED, error: new Error('Export failed with retryable status') },
            ),
          );
        }),
      shutdown: async () => {},
      forceFlush: async () => {},
    };
    const { time, sleep } = createVirtualTime();
    const { sender } = createSender({ exporter, sleep, target: { signal: 'logs', url } }, () => time.now);
    admit(1, 2);
    sender.start();
    await waitUntil(() => outbox.pendingCount === 0);
    await sender.stop();
    server.close();
    assert.deepEqual(time.sleeps, [40_000, 40_000, 40_000]);
  });
});

describe('OutboxSender: a collector that refuses a batch as too large (413)', () => {
  test('the batch is sent again at once in halves; the backlog goes in batches the collector takes, nothing lost', async () => {
    const { time, sleep } = createVirtualTime();
    const limited = createSizeLimitedExporter((records) => records.length > 3);
    admit(0, 25);
    const { sender, log } = createSender({ exporter: limited.exporter, sleep }, () => time.now);
    sender.start();
    await waitUntil(() => outbox.pendingCount === 0);
    await sender.stop();

    assert.deepEqual(
      limited.delivered.map((r) => r.attributes.n),
      Array.from({ length: 25 }, (_, n) => n),
    );
    assert.deepEqual(limited.sizes.slice(0, 4), [10, 5, 2, 2], 'halved until taken, and kept that small');
    assert.ok(
      limited.sizes.slice(2).every((size) => size <= 2),
      limited.sizes.join(),
    );
    assert.deepEqual(time.sleeps, [], 'no backoff: the collector is up');
    assert.deepEqual(drops, []);
    assert.deepEqual(
      log.lines.map((l) => `${l.level} ${l.message}`),
      ['warn collector refused a batch of events as too large (413); sending smaller batches'],
    );
    assert.equal(log.lines[0].fields.status, 413);
    assert.equal(log.lines[0].fields.records, 10);
  });

  test('an event too large alone is dropped, counted under its own reason and logged once; the others are delivered', async () => {
    const { time, sleep } = createVirtualTime();
    const limited = createSizeLimitedExporter((records) => records.some((r) => r.attributes.n === 7));
    admit(0, 30);
    const { sender, log } = createSender({ exporter: limited.exporter, sleep }, () => time.now);
    sender.start();
    await waitUntil(() => outbox.pendingCount === 0);
    await sender.stop();

    assert.deepEqual(
      limited.delivered.map((r) => r.attributes.n),
      Array.from({ length: 30 }, (_, n) => n).filter((n) => n !== 7),
    );
    assert.deepEqual(drops, [[1, 'too-large-for-collector']]);
    const dropped = log.lines.filter((l) => l.level === 'error');
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0].message, 'collector refused an event as too large even alone (413); dropped');
    assert.equal(dropped[0].fields.event, 'e');
    assert.equal(dropped[0].fields.status, 413);
    assert.deepEqual(
      limited.sizes,
      [10, 5, 5, 2, 2, 1, 10, 10, 2],
      'halved down to the one event, full batches again once it is gone',
    );
    assert.deepEqual(time.sleeps, []);
    assert.equal(log.lines.filter((l) => l.message.startsWith('logs export failed')).length, 0, 'not an outage');
  });
});
