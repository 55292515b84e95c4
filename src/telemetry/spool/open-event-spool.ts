import { randomUUID } from 'node:crypto';
import { sleep } from '../../shared/sleep.ts';
import type { Log } from '../../log.ts';
import { describeExportFailure } from './describe-export-failure.ts';
import { FailureReporter } from './failure-reporter.ts';
import { probeHttpStatus } from './http-status-probe.ts';
import { createRecordRebuilder } from './rebuild-record.ts';
import { SegmentStore, type SpoolOpenReport } from './segment-store.ts';
import { SenderLoop, type CorruptLine } from './sender-loop.ts';
import { toSpoolError } from './spool-error.ts';
import { ensureSpoolDir } from './spool-files.ts';
import { acquireSpoolLock, type SpoolLock } from './spool-lock.ts';
import { resolveSpoolOptions, type EventSpoolOptions, type ResolvedSpoolOptions } from './spool-options.ts';
import { SpoolWriter, type DropReason } from './spool-writer.ts';
import { SpoolingLogRecordProcessor, type DropCounter } from './spooling-processor.ts';

const DISK_RETRY_MS = 1000;

/**
 * Opens the spool in `options.dir` (taking its lock) and returns a started {@link SpoolingLogRecordProcessor}
 * that delivers, first, whatever an earlier run left there. Throws a `SpoolError`: `SPOOL_LOCKED` when another live
 * process holds the directory, `SPOOL_IO` when it cannot be created or read.
 */
export function openEventSpool(options: EventSpoolOptions): SpoolingLogRecordProcessor {
  const resolved = resolveSpoolOptions(options, { sleep, newEventId: randomUUID });
  const lock = takeLock(resolved);
  let store: SegmentStore;
  try {
    const opened = SegmentStore.open({
      dir: resolved.dir,
      maxBytes: resolved.maxBytes,
      segmentBytes: resolved.segmentBytes,
    });
    store = opened.store;
    reportOpen(resolved, opened.report, lock);
  } catch (error) {
    lock.release();
    throw toSpoolError(error, `cannot open the event spool ${resolved.dir}`);
  }
  const processor = new SpoolingLogRecordProcessor(assembleParts(resolved, store, lock));
  processor.start();
  return processor;
}

function takeLock(options: ResolvedSpoolOptions): SpoolLock {
  try {
    ensureSpoolDir(options.dir);
    return acquireSpoolLock(options.dir, { staleMs: options.lockStaleMs, now: Date.now });
  } catch (error) {
    throw toSpoolError(error, `cannot lock the event spool ${options.dir}`);
  }
}

function assembleParts(options: ResolvedSpoolOptions, store: SegmentStore, lock: SpoolLock) {
  const drops = createDropCounter(options.onDrop);
  const onDrop = (count: number, reason: DropReason): void => drops.add(count, reason);
  const probe = options.exporterUrl ? probeHttpStatus(options.exporterUrl) : undefined;
  const { log, clock } = options;
  const failures = new FailureReporter({ log, clock, repeatMs: options.failureLogIntervalMs });
  const sender: SenderLoop = new SenderLoop({
    store,
    exporter: options.exporter,
    rebuild: createRecordRebuilder(options.resource),
    failures,
    log,
    markAttempt: () => probe?.mark() ?? 0,
    describeFailure: (result, mark) => describeExportFailure(result, probe?.lastSince(mark), Date.now()),
    onCorrupt: (lines) => reportCorrupt(log, drops, lines),
    onDrop,
    backoff: options.backoff,
    maxBatchRecords: options.maxBatchRecords,
    maxBatchBytes: options.maxBatchBytes,
    exportTimeoutMs: options.exportTimeoutMs,
    random: options.random,
    sleep: options.sleep,
  });
  const writer = new SpoolWriter({
    store,
    log,
    maxBytes: options.maxBytes,
    maxRecordBytes: options.maxRecordBytes,
    syncDelayMs: options.syncDelayMs,
    retryDelayMs: DISK_RETRY_MS,
    onDrop,
    onAppended: () => sender.notify(),
  });
  return { options, store, writer, sender, failures, lock, probe, drops };
}

function createDropCounter(onDrop: ((count: number, reason: DropReason) => void) | undefined): DropCounter {
  const counter = {
    total: 0,
    add(count: number, reason: DropReason) {
      counter.total += count;
      onDrop?.(count, reason);
    },
  };
  return counter;
}

function reportOpen(options: ResolvedSpoolOptions, report: SpoolOpenReport, lock: SpoolLock): void {
  const { log, dir } = options;
  if (!report.dirModeFixed) log.warn('event spool directory is not private (mode 0700) and cannot be made so', { dir });
  if (lock.previous)
    log.info('took over a stale event spool lock', { dir, pid: lock.previous.pid, host: lock.previous.hostname });
  if (report.cursorProblem)
    log.warn('event spool cursor unreadable; resending everything on disk', { dir, reason: report.cursorProblem });
  if (report.pendingBytes > 0)
    log.info('event spool holds undelivered events from an earlier run', { dir, pendingBytes: report.pendingBytes });
}

function reportCorrupt(log: Log, drops: DropCounter, lines: readonly CorruptLine[]): void {
  const first = lines[0];
  log.warn('corrupt lines in the event spool skipped', {
    count: lines.length,
    segment: first.at.segment,
    offset: first.at.offset,
    reason: first.reason,
  });
  drops.add(lines.length, 'corrupt');
}
