import type { AnyValue, Attributes, HrTime, LogRecord } from '@opentelemetry/api';
import { millisToHrTime, timeInputToHrTime } from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** A JSON-safe `AnyValue`: what JSON cannot carry is tagged (`$map`, `$bytes`, `$num`), so decoding is exact. */
type EncodedValue = string | number | boolean | null | EncodedValue[] | { [tag: string]: unknown };

/**
 * An event as its tenant's state file keeps it in its outbox: everything the OTLP exporter sends except the
 * resource and the scope (the delivering process supplies its own), numbered `n` in order of creation.
 */
export interface EncodedEvent {
  readonly n: number;
  readonly time: HrTime;
  readonly observed: HrTime;
  readonly event?: string;
  readonly severity?: number;
  readonly severityText?: string;
  readonly body?: EncodedValue;
  readonly attributes: Record<string, EncodedValue>;
}

/** Encodes an emitted record as event number `n`, observed at `nowMs`; throws on a cyclic value. */
export function encodeEvent(record: LogRecord, n: number, nowMs: number): EncodedEvent {
  const observed = millisToHrTime(nowMs);
  return {
    n,
    time: record.timestamp === undefined ? observed : timeInputToHrTime(record.timestamp),
    observed,
    event: record.eventName,
    severity: record.severityNumber,
    severityText: record.severityText,
    body: record.body === undefined ? undefined : encodeValue(record.body),
    attributes: encodeMap(record.attributes ?? {}),
  };
}

/** Checks an event read back from a state file; throws a `TypeError` naming what is wrong. */
export function decodeEvent(raw: unknown): EncodedEvent {
  if (!isObject(raw)) throw new TypeError('not an object');
  if (!Number.isSafeInteger(raw.n)) throw new TypeError('n is not a whole number');
  for (const [field, type] of [
    ['event', 'string'],
    ['severity', 'number'],
    ['severityText', 'string'],
  ] as const)
    if (raw[field] !== undefined && typeof raw[field] !== type) throw new TypeError(`${field} is not a ${type}`);
  const event = { ...raw, time: toHrTime(raw.time, 'time'), observed: toHrTime(raw.observed, 'observed') };
  if (raw.body !== undefined) decodeValue(raw.body);
  decodeMap(raw.attributes);
  return event as unknown as EncodedEvent;
}

/** The SDK's record for an encoded event, as the exporter expects it. */
export function rebuildRecord(event: EncodedEvent, resource: Resource, scope: InstrumentationScope): ReadableLogRecord {
  return {
    resource,
    instrumentationScope: scope,
    hrTime: event.time,
    hrTimeObserved: event.observed,
    eventName: event.event,
    severityNumber: event.severity,
    severityText: event.severityText,
    body: event.body === undefined ? undefined : decodeValue(event.body),
    attributes: decodeMap(event.attributes),
    droppedAttributesCount: 0,
  };
}

function encodeValue(value: AnyValue): EncodedValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map((item: unknown) => encodeValue(item));
  if (typeof value === 'object' && value !== null) return { $map: encodeMap(value as Attributes) };
  return null;
}

function encodeMap(map: Attributes): Record<string, EncodedValue> {
  const encoded: Record<string, EncodedValue> = {};
  for (const [key, value] of Object.entries(map)) if (value !== undefined) setOwn(encoded, key, encodeValue(value));
  return encoded;
}

const NUMBERS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

function decodeValue(value: unknown): AnyValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (Array.isArray(value)) return value.map((item: unknown) => decodeValue(item));
  if (!isObject(value)) throw new TypeError(`not an encoded value: ${typeof value}`);
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new TypeError('an encoded object must hold exactly one tag');
  if (typeof value.$bytes === 'string') return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
  if (typeof value.$num === 'string' && Object.hasOwn(NUMBERS, value.$num)) return NUMBERS[value.$num];
  if (value.$map !== undefined) return decodeMap(value.$map);
  throw new TypeError(`unknown tag ${keys[0]}`);
}

function decodeMap(value: unknown): Attributes {
  if (!isObject(value)) throw new TypeError('not an encoded map');
  const map: Attributes = {};
  for (const [key, item] of Object.entries(value)) setOwn(map, key, decodeValue(item));
  return map;
}

function toHrTime(value: unknown, field: string): HrTime {
  const valid =
    Array.isArray(value) && value.length === 2 && value.every((part) => Number.isSafeInteger(part) && part >= 0);
  if (!valid) throw new TypeError(`${field} is not an [seconds, nanoseconds] pair`);
  return [value[0] as number, value[1] as number];
}

/** Assigns an own property, even for the key `__proto__` (a plain assignment would change the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
