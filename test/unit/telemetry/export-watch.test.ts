import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { createLog } from '../../../src/log.ts';
import { ExportWatch, formatUndelivered } from '../../../src/telemetry/export-watch.ts';

const TARGET = { signal: 'metrics', url: 'http://collector.test:4318/v1/metrics' } as const;

function setup() {
  let now = 0;
  const lines: string[] = [];
  const log = createLog({
    level: 'debug',
    format: 'text',
    write: (line) => lines.push(line.slice(25)),
    clock: () => now,
  });
  const watch = new ExportWatch({ log, clock: () => now, repeatMs: 60_000 });
  const fail = (error: Error) => watch.begin(TARGET).end({ code: ExportResultCode.FAILED, error }, { points: 10 });
  const succeed = () => watch.begin(TARGET).end({ code: ExportResultCode.SUCCESS });
  return { watch, lines, fail, succeed, advance: (ms: number) => (now += ms) };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:4318'), { code: 'ECONNREFUSED' });

test('an outage is logged when it starts, once a minute while it lasts, and when it ends', () => {
  const { watch, lines, fail, succeed, advance } = setup();
  try {
    fail(refused());
    advance(30_000);
    fail(refused());
    advance(31_000);
    fail(refused());
    succeed();
    assert.deepEqual(lines, [
      'WARN  metrics export failed url=http://collector.test:4318/v1/metrics reason="connect ECONNREFUSED 10.0.0.1:4318" error=ECONNREFUSED hint="nothing listens at this address: is the collector running?" points=10',
      'WARN  metrics export still failing url=http://collector.test:4318/v1/metrics reason="connect ECONNREFUSED 10.0.0.1:4318" error=ECONNREFUSED hint="nothing listens at this address: is the collector running?" points=10 attempts=3',
      'INFO  metrics export recovered url=http://collector.test:4318/v1/metrics attempts=3 outageS=61',
    ]);
  } finally {
    watch.close();
  }
});

test('a 413 is an error saying what to change, even in the middle of an outage', () => {
  const { watch, lines, fail } = setup();
  try {
    fail(refused());
    fail(new OTLPExporterError('Payload Too Large', 413, ''));
    fail(new OTLPExporterError('Payload Too Large', 413, ''));
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.equal(
      lines[1],
      'ERROR collector refused a metrics export as too large (413) url=http://collector.test:4318/v1/metrics reason="Payload Too Large" status=413 hint="the request is larger than the collector accepts: raise its limit (the agent sends up to 10,000 points or 512 KiB of events per request)" points=10 attempts=2',
    );
    assert.deepEqual(watch.undelivered(), [{ ...TARGET, reason: 'Payload Too Large', status: 413 }]);
    assert.equal(
      formatUndelivered(watch.undelivered()[0]),
      'metrics not delivered to http://collector.test:4318/v1/metrics: Payload Too Large (HTTP 413)',
    );
  } finally {
    watch.close();
  }
});

test('undelivered tells of failures since the last forgetFailures, and of exports still in flight', () => {
  const { watch, fail, succeed } = setup();
  try {
    fail(refused());
    watch.forgetFailures();
    succeed();
    assert.deepEqual(watch.undelivered(), []);
    const attempt = watch.begin(TARGET);
    assert.deepEqual(watch.undelivered(), [{ ...TARGET, reason: 'still being sent when the agent stopped' }]);
    attempt.end({ code: ExportResultCode.SUCCESS });
    assert.deepEqual(watch.undelivered(), []);
  } finally {
    watch.close();
  }
});

test('a partial success is a warning with the rejected points and the collector’s message: the first, then at most once a minute', () => {
  const { watch, lines, succeed, advance } = setup();
  const partly = (rejected: number, message: string) =>
    watch
      .begin(TARGET)
      .end({ code: ExportResultCode.SUCCESS, partialSuccess: { rejected, message } }, { points: 100, bytes: 2000 });
  try {
    partly(3, 'points too old');
    advance(20_000);
    partly(2, 'points too old');
    succeed();
    advance(20_000);
    partly(0, 'slow down');
    advance(21_000);
    partly(1, 'points too old');
    partly(0, 'slow down');
    assert.deepEqual(lines, [
      'WARN  collector rejected part of a metrics export (partial success) url=http://collector.test:4318/v1/metrics rejected=3 message="points too old" points=100 bytes=2000',
      'WARN  collector rejected part of a metrics export (partial success) url=http://collector.test:4318/v1/metrics rejected=3 message="points too old" points=100 bytes=2000 answers=3',
    ]);
    assert.deepEqual(watch.undelivered(), [], 'what the collector took in part is not sent again');
  } finally {
    watch.close();
  }
});

test('a partial success that rejects nothing is the collector’s warning', () => {
  const { watch, lines } = setup();
  try {
    watch.begin(TARGET).end({ code: ExportResultCode.SUCCESS, partialSuccess: { rejected: 0, message: 'slow down' } });
    assert.deepEqual(lines, [
      'WARN  collector took a metrics export with a warning (partial success) url=http://collector.test:4318/v1/metrics rejected=0 message="slow down"',
    ]);
  } finally {
    watch.close();
  }
});
