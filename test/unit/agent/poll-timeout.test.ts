import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPollTimeout } from '../../../src/agent/tenant-poller.ts';
import { toM365Error } from '../../../src/errors.ts';

test('aborts with a TimeoutError (mapped to TIMEOUT) once the time is up', async () => {
  const timeout = startPollTimeout(10);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(timeout.signal.aborted);
  assert.equal(toM365Error(timeout.signal.reason).code, 'TIMEOUT');
});

test('cleared, it never fires', async () => {
  const timeout = startPollTimeout(10);
  timeout.clear();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(timeout.signal.aborted, false);
});
