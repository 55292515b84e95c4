import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecord, encodeRecord, type SpooledRecord } from '../../../src/telemetry/spool/record-codec.ts';

const record: SpooledRecord = {
  hrTime: [1_760_000_000, 123_456_789],
  hrTimeObserved: [1_760_000_001, 5],
  eventName: 'm365.service.status_change',
  severityNumber: 13,
  severityText: 'WARN',
  body: 'contoso: Exchange Online serviceOperational -> serviceDegradation',
  attributes: { 'm365.event.id': 'EX1:a>b@2025', 'm365.issue.ids': ['EX1', 'EX2'], count: 3, ratio: 0.5, flag: false },
  droppedAttributesCount: 0,
  scope: { name: 'm365-health', version: '0.1.0' },
};

describe('record codec', () => {
  test('a record survives a round trip as one line of JSON', () => {
    const line = encodeRecord(record);
    assert.ok(!line.includes('\n'));
    const decoded = decodeRecord(line);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.record, {
      ...record,
      scope: { name: 'm365-health', version: '0.1.0', schemaUrl: undefined },
    });
  });

  test('values JSON cannot carry are tagged and restored exactly', () => {
    const body = {
      nested: { bytes: new Uint8Array([0, 1, 255]), list: [1, 'two', null, [true]] },
      nan: Number.NaN,
      inf: -Infinity,
    };
    const decoded = decodeRecord(
      encodeRecord({ ...record, body, attributes: { ['__proto__']: 'own key', $map: 'plain' } }),
    );
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.record.body, body);
    assert.equal(Object.getPrototypeOf(decoded.record.attributes), Object.prototype);
    assert.deepEqual(Object.keys(decoded.record.attributes), ['__proto__', '$map']);
    assert.equal(decoded.record.attributes.$map, 'plain');
  });

  test('a newline inside a value stays escaped, so one record is one line', () => {
    const line = encodeRecord({ ...record, body: 'line one\nline two\u2028' });
    assert.equal(line.split('\n').length, 1);
    const decoded = decodeRecord(line);
    assert.ok(decoded.ok && decoded.record.body === 'line one\nline two\u2028');
  });

  test('records without optional fields stay without them', () => {
    const bare: SpooledRecord = {
      hrTime: [1, 2],
      hrTimeObserved: [1, 2],
      attributes: {},
      droppedAttributesCount: 0,
      scope: { name: 's' },
    };
    const decoded = decodeRecord(encodeRecord(bare));
    assert.ok(decoded.ok);
    assert.equal(decoded.record.body, undefined);
    assert.equal(decoded.record.eventName, undefined);
    assert.equal('body' in JSON.parse(encodeRecord(bare)), false);
  });

  const invalid: Array<[string, string]> = [
    ['garbage', 'not JSON'],
    ['{"v":1,"time":[1,2],"observed":[1,', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"v":2}', 'unknown format version 2'],
    [
      '{"v":1,"time":[1],"observed":[1,2],"attributes":{},"scope":{"name":"s"}}',
      'time is not an [seconds, nanoseconds] pair',
    ],
    ['{"v":1,"time":[1,2],"observed":[1,2],"attributes":{},"scope":{}}', 'missing scope name'],
    ['{"v":1,"time":[1,2],"observed":[1,2],"attributes":[],"scope":{"name":"s"}}', 'not an encoded map'],
    ['{"v":1,"time":[1,2],"observed":[1,2],"attributes":{"a":{"$x":1}},"scope":{"name":"s"}}', 'unknown tag $x'],
    [
      '{"v":1,"time":[1,2],"observed":[1,2],"severity":"9","attributes":{},"scope":{"name":"s"}}',
      'severity is not a number',
    ],
    ['', 'not JSON'],
  ];
  for (const [line, reason] of invalid) {
    test(`rejects ${JSON.stringify(line.slice(0, 40))}: ${reason}`, () => {
      assert.deepEqual(decodeRecord(line), { ok: false, reason });
    });
  }
});
