import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPartialSuccess } from '../../../../src/telemetry/otlp/protobuf-metric-exporter.ts';
import { encodeMetricsResponse } from '../../../helpers/otlp-proto.ts';

test('reads the rejected points and the message of a response encoded from the opentelemetry-proto definitions', () => {
  for (const answer of [
    { rejected: 2 ** 40 + 3, message: 'points too old — dropped' },
    { rejected: 0, message: 'a warning only' },
    { rejected: 7, message: '' },
  ])
    assert.deepEqual(readPartialSuccess(encodeMetricsResponse(answer, 'protobuf')), answer);
});

test('an empty response, or an empty partial_success, is a full success', () => {
  assert.equal(readPartialSuccess(new Uint8Array()), undefined);
  assert.equal(readPartialSuccess(encodeMetricsResponse({ rejected: 0, message: '' }, 'protobuf')), undefined);
});

test('fields it does not know are skipped, whatever their wire type', () => {
  const partial = [0x08, 0x05, 0x12, 0x02, 0x68, 0x69];
  const unknown = [0x10, 0x01, 0x19, ...new Array<number>(8).fill(0), 0x25, 0, 0, 0, 0, 0x2a, 0x01, 0x00];
  const body = new Uint8Array([...unknown, 0x0a, partial.length, ...partial, ...unknown]);
  assert.deepEqual(readPartialSuccess(body), { rejected: 5, message: 'hi' });
});

test('an answer that cannot be read is a warning saying so: the request was taken', () => {
  for (const body of [[0x0a, 0x05, 0x08], [0x0a, 0x01, 0x08], [0x0b]]) {
    const read = readPartialSuccess(new Uint8Array(body));
    assert.equal(read?.rejected, 0);
    assert.match(read?.message ?? '', /^the collector's answer could not be read: \S/);
  }
});
