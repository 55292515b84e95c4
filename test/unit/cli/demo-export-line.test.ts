import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeExportChange } from '../../../src/cli/demo.ts';

const metrics = { signal: 'metrics', url: 'http://localhost:4318/v1/metrics' } as const;
const events = { signal: 'logs', url: 'http://localhost:4318/v1/logs' } as const;

test('the demo says in one line that its OTLP endpoint refuses, with what to check, and that it works again', () => {
  assert.equal(
    describeExportChange({
      target: metrics,
      failure: {
        reason: 'connect ECONNREFUSED 127.0.0.1:4318',
        error: 'ECONNREFUSED',
        hint: 'is the collector running?',
      },
    }),
    'OTLP metrics to http://localhost:4318/v1/metrics failing (ECONNREFUSED): is the collector running? (retrying; the view goes on)',
  );
  assert.equal(
    describeExportChange({ target: events, failure: { reason: 'Service Unavailable', status: 503 } }),
    'OTLP events to http://localhost:4318/v1/logs failing (HTTP 503): Service Unavailable (retrying; the view goes on)',
  );
  assert.equal(
    describeExportChange({ target: metrics, outageMs: 35_200 }),
    'OTLP metrics delivered to http://localhost:4318/v1/metrics again, after 35 s of failures.',
  );
});
