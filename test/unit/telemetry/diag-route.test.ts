import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diag } from '@opentelemetry/api';
import { routeDiagnostics, scrubSecrets } from '../../../src/telemetry/diag-route.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';

const KEY = 'dd-0123456789abcdef0123456789abcdef';

test('the SDK’s warnings and errors reach the log scrubbed, each kind once per period, then with the count left out', () => {
  let now = 0;
  const log = createCaptureLog();
  const unroute = routeDiagnostics({ log, clock: () => now, periodMs: 60_000, secrets: [KEY] });
  try {
    diag.warn(`Header "dd-api-key" has invalid value (${KEY}) and will be ignored`);
    diag.warn(`Header "dd-api-key" has invalid value (${KEY}) and will be ignored`);
    diag.error('metrics collection errors', new Error('callback threw'));
    diag.info('Export failed with non-retryable error: Forbidden');
    now += 60_000;
    diag.warn(`Header "dd-api-key" has invalid value (${KEY}) and will be ignored`);
    assert.deepEqual(
      log.lines.map((l) => [l.level, l.message, l.fields]),
      [
        ['warn', 'OpenTelemetry SDK: Header "dd-api-key" has invalid value ([redacted]) and will be ignored', {}],
        ['error', 'OpenTelemetry SDK: metrics collection errors callback threw', {}],
        [
          'warn',
          'OpenTelemetry SDK: Header "dd-api-key" has invalid value ([redacted]) and will be ignored',
          { suppressed: 1 },
        ],
      ],
    );
  } finally {
    unroute();
  }
  diag.error('after the telemetry stopped');
  assert.equal(log.lines.length, 3, 'unrouted: the diag channel is silent again');
});

test('credential headers are hidden whatever their value, and so are URL credentials', () => {
  assert.equal(
    scrubSecrets('sent api-key: abc123, Authorization: Bearer xyz to https://user:pw@collector:4318/v1/logs', []),
    'sent api-key: [redacted], Authorization: Bearer [redacted] to https://***@collector:4318/v1/logs',
  );
  assert.equal(scrubSecrets('{"DD-API-KEY":"abc123"}', []), '{"DD-API-KEY":"[redacted]"}');
});
