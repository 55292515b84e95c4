import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createFileStateStore } from '../../src/agent/state-store.ts';
import { createTenantLedger } from '../../src/agent/tenant-ledger.ts';
import { ExportWatch } from '../../src/telemetry/export-watch.ts';
import { Outbox } from '../../src/telemetry/outbox/outbox.ts';
import { OutboxSender } from '../../src/telemetry/outbox/outbox-sender.ts';
import { sleep } from '../../src/shared/sleep.ts';
import { startOtlpReceiver, type LogRecord, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { createCaptureLog, createTempDir } from '../helpers/capture-log.ts';

const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).href;
const EXPORTER_URL = import.meta.resolve('@opentelemetry/exporter-logs-otlp-proto');
const RESOURCES_URL = import.meta.resolve('@opentelemetry/resources');
const TENANTS = ['contoso', 'fabrikam', 'northwind'];

/** What a tenant remembers after its `step`-th poll with events: only the count moves. */
const memoryAt = (step: number) => ({
  baselineAt: 1,
  statusSequence: step,
  issueSequence: 0,
  messageSequence: 0,
  polledAt: step,
  services: {},
  issues: {},
});

/**
 * A child process that commits polls with events through the ledger (state file and outbox in one write) in
 * bursts, the sender delivering in between (before the last burst it can wait until something was delivered),
 * then SIGKILLs itself right after the last commit: no shutdown, no flush, no chance to write the state of a batch
 * in flight.
 */
const CHILD = `
import { OTLPLogExporter } from '${EXPORTER_URL}';
import { resourceFromAttributes } from '${RESOURCES_URL}';
import { createFileStateStore } from '${src('agent/state-store.ts')}';
import { createTenantLedger } from '${src('agent/tenant-ledger.ts')}';
import { ExportWatch } from '${src('telemetry/export-watch.ts')}';
import { Outbox } from '${src('telemetry/outbox/outbox.ts')}';
import { OutboxSender } from '${src('telemetry/outbox/outbox-sender.ts')}';
import { sleep } from '${src('shared/sleep.ts')}';
const [dir, url, bursts, perBurst, waitForDelivery] = process.argv.slice(1);
const log = { debug() {}, info() {}, warn() {}, error() {} };
const outbox = new Outbox({ maxBytes: 1 << 24, log, clock: Date.now });
const ledger = createTenantLedger({ store: createFileStateStore(dir, log), outbox, logger: { emit() {} }, log });
new OutboxSender({
  outbox, exporter: new OTLPLogExporter({ url, timeoutMillis: 10000 }), watch: new ExportWatch({ log, clock: Date.now, repeatMs: 60000 }),
  target: { signal: 'logs', url }, resource: resourceFromAttributes({ run: 'child' }), scope: { name: 'm365-health' },
  log, backoff: { initialMs: 20, maxMs: 100 }, maxBatchEvents: 7, sleep,
}).start();
const tenants = ${JSON.stringify(TENANTS)};
const memoryAt = ${memoryAt.toString()};
let seq = 0;
for (let burst = 0; burst < Number(bursts); burst++) {
  if (burst > 0) await new Promise((resolve) => setTimeout(resolve, 40));
  if (waitForDelivery === 'yes' && burst === Number(bursts) - 1) {
    const pending = outbox.pendingCount;
    for (const deadline = Date.now() + 3000; outbox.pendingCount >= pending && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (let i = 0; i < Number(perBurst) / tenants.length; i++)
    await Promise.all(tenants.map((tenant, t) => {
      const records = [0, 1].map(() => {
        const n = seq++;
        return { eventName: 'e', body: 'event ' + n, attributes: { seq: n, 'm365.event.id': tenant + '/' + n } };
      });
      return ledger.commit(tenant, memoryAt(burst * 1000 + i), records);
    }));
}
process.kill(process.pid, 'SIGKILL');
`;

async function runChildUntilKilled(
  dir: string,
  url: string,
  bursts: number,
  perBurst: number,
  waitForDelivery: boolean,
): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, dir, url, String(bursts), String(perBurst), waitForDelivery ? 'yes' : 'no'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, 'SIGKILL', `child exited with ${code}: ${stderr}`);
}

describe('the outbox across a SIGKILL', () => {
  let receiver: OtlpReceiver;
  let temp: ReturnType<typeof createTempDir>;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());
  beforeEach(() => {
    receiver.reset();
    receiver.setDown(false);
    temp = createTempDir();
  });
  afterEach(() => temp.remove());

  /** A restart in this process on the same state directory: every tenant restored, the outbox drained. */
  async function restartAndDrain(dir: string) {
    const log = createCaptureLog();
    const url = `${receiver.url}/v1/logs`;
    const outbox = new Outbox({ maxBytes: 1 << 24, log, clock: Date.now });
    const store = createFileStateStore(dir, log);
    const ledger = createTenantLedger({ store, outbox, logger: { emit() {} }, log });
    for (const tenant of TENANTS) ledger.restore(tenant, await store.load(tenant));
    const watch = new ExportWatch({ log, clock: Date.now, repeatMs: 60_000 });
    const sender = new OutboxSender({
      outbox,
      exporter: new OTLPLogExporter({ url, timeoutMillis: 10_000 }),
      watch,
      target: { signal: 'logs', url },
      resource: resourceFromAttributes({ run: 'restart' }),
      scope: { name: 'm365-health' },
      log,
      sleep,
    });
    sender.start();
    assert.equal(await sender.flush(5000), true, 'the restarted outbox drains');
    await sender.stop();
    await ledger.settled();
    watch.close();
    for (const tenant of TENANTS)
      assert.deepEqual((await store.load(tenant))?.outbox, [], 'delivered events left the state files');
    return log;
  }

  function bySeq(records: LogRecord[]): Map<number, LogRecord[]> {
    const groups = new Map<number, LogRecord[]>();
    for (const record of records) {
      const seq = record.attributes.seq as number;
      groups.set(seq, [...(groups.get(seq) ?? []), record]);
    }
    return groups;
  }

  test('killed while delivering: a restart delivers every event; duplicates share their m365.event.id', async (t) => {
    const dir = join(temp.dir, 'state');
    const total = 5 * 42;
    await runChildUntilKilled(dir, `${receiver.url}/v1/logs`, 5, 21, true);
    const beforeRestart = receiver.logs().length;
    assert.ok(beforeRestart > 0 && beforeRestart < total, `${beforeRestart} of ${total} delivered before the kill`);

    await restartAndDrain(dir);
    const groups = bySeq(receiver.logs());
    assert.deepEqual(
      [...groups.keys()].sort((a, b) => a - b),
      Array.from({ length: total }, (_, n) => n),
      'nothing lost',
    );
    const duplicates = [...groups.values()].filter((copies) => copies.length > 1);
    for (const copies of duplicates) {
      assert.equal(copies.length, 2);
      assert.equal(
        copies[0].attributes['m365.event.id'],
        copies[1].attributes['m365.event.id'],
        'a duplicate carries the same id',
      );
      assert.deepEqual(
        copies.map((c) => c.resource.run),
        ['child', 'restart'],
        'only what was delivered but not yet removed from its state file at the kill is sent twice',
      );
    }
    t.diagnostic(
      `${beforeRestart}/${total} delivered before the kill, ${duplicates.length} sent again after the restart`,
    );
    assert.equal(new Set(receiver.logs().map((r) => r.attributes['m365.event.id'])).size, total);
  });

  test('killed while the collector is down: every event committed before the kill is on disk and delivered once', async () => {
    const dir = join(temp.dir, 'state');
    receiver.setDown(true);
    await runChildUntilKilled(dir, `${receiver.url}/v1/logs`, 3, 24, false);
    assert.equal(receiver.logs().length, 0);
    receiver.setDown(false);
    await restartAndDrain(dir);
    const seqs = receiver.logs().map((r) => r.attributes.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: 144 }, (_, n) => n),
      'all 144, in order of creation across tenants, no duplicates',
    );
  });
});
