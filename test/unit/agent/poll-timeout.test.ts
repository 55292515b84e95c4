import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPollTimeout } from '../../../src/agent/tenant-poller.ts';
import { toM365Error } from '../../../src/errors.ts';

test('aborts with a TimeoutError (mapped to TIMEOUT) once the time is up', async () => {
  const timeout = startPollTimeout(10);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(timeout.signal.aborted && timeout.timedOut());
  assert.equal(toM365Error(timeout.signal.reason).code, 'TIMEOUT');
});

test('follows the signal it is given: aborted with its reason, not timed out', () => {
  const outer = new AbortController();
  const timeout = startPollTimeout(60_000, outer.signal);
  const reason = new Error('stopping');
  outer.abort(reason);
  assert.ok(timeout.signal.aborted);
  assert.equal(timeout.signal.reason, reason);
  assert.equal(timeout.timedOut(), false);
  timeout.clear();
  const already = startPollTimeout(60_000, outer.signal);
  assert.equal(already.signal.reason, reason, 'a signal aborted before');
  already.clear();
});

test('cleared, it no longer listens to the signal it was given', () => {
  const outer = new AbortController();
  const timeout = startPollTimeout(60_000, outer.signal);
  timeout.clear();
  outer.abort();
  assert.equal(timeout.signal.aborted, false);
});

test('cleared, it never fires', async () => {
  const timeout = startPollTimeout(10);
  timeout.clear();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(timeout.signal.aborted, false);
});
