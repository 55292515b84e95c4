import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  openEventSpool,
  SpoolError,
  type DropReason,
  type EventSpoolOptions,
} from '../../../src/telemetry/spool/index.ts';
import { createCaptureLog, createTempDir } from './support.ts';

const resource = resourceFromAttributes({ 'service.name': 'm365-health', 'service.instance.id': 'first' });

/** An exporter that accepts while `up`, and fails otherwise. */
function createSwitchExporter(up = true) {
  const state = { up, delivered: [] as ReadableLogRecord[] };
  const exporter: LogRecordExporter = {
    export(records, callback) {
      if (!state.up) return callback({ code: ExportResultCode.FAILED, error: new Error('collector down') });
      state.delivered.push(...records);
      callback({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  return { state, exporter };
}

let temp: ReturnType<typeof createTempDir>;
let dir: string;
beforeEach(() => {
  temp = createTempDir();
  dir = join(temp.dir, 'spool');
});
afterEach(() => temp.remove());

function open(exporter: LogRecordExporter, overrides: Partial<EventSpoolOptions> = {}) {
  const log = createCaptureLog();
  const drops: Array<[number, DropReason]> = [];
  const spool = openEventSpool({
    dir,
    exporter,
    resource,
    log,
    backoff: { initialMs: 5, maxMs: 20 },
    shutdownTimeoutMs: 300,
    onDrop: (count, reason) => drops.push([count, reason]),
    ...overrides,
  });
  const provider = new LoggerProvider({ resource, processors: [spool] });
  return { spool, provider, log, drops, logger: provider.getLogger('m365-health', '1.2.3') };
}

describe('SpoolingLogRecordProcessor', () => {
  test('delivers emitted events in order with their fields, scope and an m365.event.id', async () => {
    const { state, exporter } = createSwitchExporter();
    const memory = new InMemoryLogRecordExporter();
    const { spool, logger, provider } = open(exporter);
    const laterProvider = new LoggerProvider({
      resource,
      processors: [spool, new SimpleLogRecordProcessor({ exporter: memory })],
    });
    const later = laterProvider.getLogger('m365-health', '1.2.3');
    logger.emit({
      eventName: 'm365.issue.update',
      timestamp: 1_700_000_000_123,
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'first',
      attributes: { 'm365.event.id': 'EX1@2025-01-01T00:00:00Z' },
    });
    later.emit({
      eventName: 'm365.service.status_change',
      body: { nested: [1, 'a'] },
      attributes: { tenant: 'contoso' },
    });
    await laterProvider.forceFlush();
    assert.deepEqual(
      state.delivered.map((r) => r.body),
      ['first', { nested: [1, 'a'] }],
    );
    const [first, second] = state.delivered;
    assert.equal(first.eventName, 'm365.issue.update');
    assert.deepEqual(first.hrTime, [1_700_000_000, 123_000_000]);
    assert.equal(first.severityNumber, SeverityNumber.WARN);
    assert.equal(first.attributes['m365.event.id'], 'EX1@2025-01-01T00:00:00Z', 'an id set by the emitter is kept');
    assert.match(
      String(second.attributes['m365.event.id']),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.deepEqual(first.instrumentationScope, { name: 'm365-health', version: '1.2.3', schemaUrl: undefined });
    assert.equal(
      first.instrumentationScope,
      second.instrumentationScope,
      'one scope object, so one ScopeLogs on the wire',
    );
    assert.equal(first.resource, resource);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(
      memory.getFinishedLogRecords()[0].attributes['m365.event.id'],
      second.attributes['m365.event.id'],
      'later processors see the same id',
    );
    await provider.shutdown();
  });

  test('shutdown keeps undelivered events on disk; the next process delivers them', async () => {
    const down = createSwitchExporter(false);
    const first = open(down.exporter);
    for (let n = 0; n < 5; n++) first.logger.emit({ eventName: 'e', attributes: { n } });
    const started = Date.now();
    await first.provider.shutdown();
    assert.ok(Date.now() - started < 1000, 'shutdown is bounded');
    assert.ok(first.log.messages('warn').includes('undelivered events stay in the spool for the next start'));
    new LoggerProvider({ resource, processors: [first.spool] }).getLogger('x').emit({ eventName: 'too late' });
    assert.deepEqual(first.drops, [[1, 'closed']]);
    assert.equal(first.spool.droppedCount(), 1);

    const up = createSwitchExporter(true);
    const second = open(up.exporter);
    assert.ok(second.log.messages('info').includes('event spool holds undelivered events from an earlier run'));
    await second.spool.forceFlush();
    assert.deepEqual(
      up.state.delivered.map((r) => r.attributes.n),
      [0, 1, 2, 3, 4],
    );
    assert.equal(second.spool.pendingBytes(), 0);
    await second.provider.shutdown();
  });

  test('flush reports whether everything was delivered within the bound', async () => {
    const { state, exporter } = createSwitchExporter(false);
    const { spool, logger, provider } = open(exporter);
    logger.emit({ eventName: 'e' });
    assert.equal(await spool.flush(50), false);
    state.up = true;
    assert.equal(await spool.flush(1000), true);
    await provider.shutdown();
  });

  test('overflow drops the oldest events, counts them and logs it', async () => {
    const { state, exporter } = createSwitchExporter(false);
    const { spool, logger, provider, drops, log } = open(exporter, { maxBytes: 8192, segmentBytes: 1024 });
    for (let n = 0; n < 200; n++) logger.emit({ eventName: 'e', body: 'x'.repeat(100), attributes: { n } });
    const dropped = drops.reduce((sum, [count]) => sum + count, 0);
    assert.ok(dropped > 100, `${dropped} dropped`);
    assert.ok(drops.every(([, reason]) => reason === 'overflow'));
    assert.equal(spool.droppedCount(), dropped);
    assert.ok(log.messages('warn').includes('event spool full, oldest events dropped'));
    state.up = true;
    await spool.forceFlush();
    const delivered = state.delivered.map((r) => r.attributes.n);
    assert.equal(delivered.length + dropped, 200);
    assert.deepEqual(
      delivered,
      Array.from({ length: delivered.length }, (_, i) => 200 - delivered.length + i),
      'the newest survive, in order',
    );
    await provider.shutdown();
  });

  test('an event too large for the spool, or one that cannot be serialized, is dropped and counted', async () => {
    const { state, exporter } = createSwitchExporter();
    const { spool, logger, provider, drops } = open(exporter, { maxBytes: 8192 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    logger.emit({ eventName: 'big', body: 'x'.repeat(4096) });
    logger.emit({ eventName: 'cyclic', body: cyclic });
    logger.emit({ eventName: 'fine' });
    await spool.forceFlush();
    assert.deepEqual(drops, [
      [1, 'too-large'],
      [1, 'unencodable'],
    ]);
    assert.deepEqual(
      state.delivered.map((r) => r.eventName),
      ['fine'],
    );
    await provider.shutdown();
  });

  test('the spool directory is private and its files are 0600', async () => {
    const { exporter } = createSwitchExporter(false);
    const { logger, provider } = open(exporter);
    logger.emit({ eventName: 'e' });
    const files = readdirSync(dir);
    assert.ok(files.some((name) => name.endsWith('.jsonl')) && files.includes('lock'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const name of files) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
    await provider.shutdown();
  });

  test('a second spool on the same directory is refused while the first is open', async () => {
    const { exporter } = createSwitchExporter();
    const { provider } = open(exporter);
    assert.throws(
      () => open(exporter),
      (error: unknown) => error instanceof SpoolError && error.code === 'SPOOL_LOCKED',
    );
    await provider.shutdown();
    const again = open(exporter);
    await again.provider.shutdown();
  });
});
