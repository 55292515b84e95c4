import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { openEventSpool } from '../../src/telemetry/spool/index.ts';
import { startOtlpReceiver, type LogRecord, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { createCaptureLog, createTempDir } from '../unit/spool/support.ts';

const SPOOL_URL = new URL('../../src/telemetry/spool/index.ts', import.meta.url).href;
const EXPORTER_URL = import.meta.resolve('@opentelemetry/exporter-logs-otlp-proto');
const RESOURCES_URL = import.meta.resolve('@opentelemetry/resources');
const SDK_LOGS_URL = import.meta.resolve('@opentelemetry/sdk-logs');

/**
 * A child process that spools events in bursts (the sender delivering in between; before the last burst it can wait
 * until something was delivered), then SIGKILLs itself right after the last emit:
 * no shutdown, no flush, no chance to write the cursor of a batch in flight.
 */
const CHILD = `
import { OTLPLogExporter } from '${EXPORTER_URL}';
import { resourceFromAttributes } from '${RESOURCES_URL}';
import { LoggerProvider } from '${SDK_LOGS_URL}';
import { openEventSpool } from '${SPOOL_URL}';
const [dir, url, bursts, perBurst, waitForDelivery] = process.argv.slice(1);
const log = { debug() {}, info() {}, warn() {}, error() {} };
const exporter = new OTLPLogExporter({ url, timeoutMillis: 10000 });
const spool = openEventSpool({ dir, exporter, log, resource: resourceFromAttributes({ run: 'child' }), backoff: { initialMs: 20, maxMs: 100 }, maxBatchRecords: 7 });
const logger = new LoggerProvider({ processors: [spool] }).getLogger('m365-health');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let seq = 0;
for (let burst = 0; burst < Number(bursts); burst++) {
  if (burst > 0) await sleep(40);
  if (waitForDelivery === 'yes' && burst === Number(bursts) - 1) {
    const spooled = spool.pendingBytes();
    for (const deadline = Date.now() + 3000; spool.pendingBytes() >= spooled && Date.now() < deadline; ) await sleep(5);
  }
  for (let i = 0; i < Number(perBurst); i++) logger.emit({ eventName: 'e', body: 'event ' + seq, attributes: { seq: seq++ } });
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

describe('event spool across a SIGKILL', () => {
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

  /** Opens the spool again in this process (a restart) and waits for it to drain. */
  async function restartAndDrain(dir: string) {
    const log = createCaptureLog();
    const url = `${receiver.url}/v1/logs`;
    const spool = openEventSpool({
      dir,
      exporter: new OTLPLogExporter({ url, timeoutMillis: 10_000 }),
      log,
      resource: resourceFromAttributes({ run: 'restart' }),
    });
    const provider = new LoggerProvider({ processors: [spool] });
    assert.equal(await spool.flush(5000), true, 'the restarted spool drains');
    await provider.shutdown();
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
    const dir = join(temp.dir, 'spool');
    const total = 5 * 40;
    await runChildUntilKilled(dir, `${receiver.url}/v1/logs`, 5, 40, true);
    const beforeRestart = receiver.logs().length;
    assert.ok(beforeRestart > 0 && beforeRestart < total, `${beforeRestart} of ${total} delivered before the kill`);

    const log = await restartAndDrain(dir);
    assert.ok(log.messages('info').includes('took over a stale event spool lock'));
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
        'only a batch in flight at the kill is sent twice',
      );
    }
    assert.ok(duplicates.length <= 7, `${duplicates.length} duplicates, at most one batch`);
    t.diagnostic(
      `${beforeRestart}/${total} delivered before the kill, ${duplicates.length} sent again after the restart`,
    );
    assert.equal(new Set(receiver.logs().map((r) => r.attributes['m365.event.id'])).size, total);
  });

  test('killed while the collector is down: every event emitted before the kill is on disk and delivered once', async () => {
    const dir = join(temp.dir, 'spool');
    receiver.setDown(true);
    await runChildUntilKilled(dir, `${receiver.url}/v1/logs`, 3, 50, false);
    assert.equal(receiver.logs().length, 0);
    receiver.setDown(false);
    const log = await restartAndDrain(dir);
    assert.ok(log.messages('info').includes('event spool holds undelivered events from an earlier run'));
    const seqs = receiver.logs().map((r) => r.attributes.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: 150 }, (_, n) => n),
      'all 150, in order, no duplicates',
    );
  });
});
