import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api';
import { createTelemetrySdk } from '../../../src/telemetry/sdk.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';
import { startOtlpReceiver, exporterTo } from '../../helpers/otlp-receiver.ts';

test('events the collector refuses until the stop are told undelivered, with its reason and status', async () => {
  const receiver = await startOtlpReceiver();
  const exporter = exporterTo(receiver);
  const log = createCaptureLog();
  const telemetry = createTelemetrySdk({
    exporter,
    serviceName: 'test',
    serviceVersion: '0',
    resource: {},
    log,
    events: { maxBytes: 1 << 20, durable: false },
  });
  try {
    receiver.failNext(1_000, 403);
    const outbox = telemetry.outbox!;
    const record = { eventName: 'm365.test', severityNumber: SeverityNumber.INFO, body: 'refused', attributes: {} };
    outbox.admit('contoso', outbox.encode([record]));
    await receiver.waitFor(() => log.lines.some((line) => line.message === 'logs export refused'));
    const refused = log.lines.find((line) => line.message === 'logs export refused')!;

    const undelivered = await telemetry.shutdown(1_000);

    const events = undelivered.find((u) => u.signal === 'logs');
    assert.deepEqual(events, {
      signal: 'logs',
      url: `${receiver.url}/v1/logs`,
      reason: `${String(refused.fields.reason)}; 1 events are lost (no state.dir)`,
      status: 403,
    });
  } finally {
    await telemetry.shutdown(0);
    await receiver.close();
  }
});
