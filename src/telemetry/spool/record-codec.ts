import type { AnyValue, Attributes, HrTime } from '@opentelemetry/api';
import { decodeAnyValue, decodeAttributes, encodeAnyValue, encodeAttributes } from './any-value-codec.ts';

/** Version of the spooled line format; lines of another version are reported as corrupt. */
export const SPOOL_FORMAT_VERSION = 1;

/** The instrumentation scope (logger) a spooled record was emitted through. */
export interface SpooledScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

/**
 * What the spool keeps of a log record: everything the OTLP exporter sends except the resource (the delivering
 * process supplies its own) and the span context (events are not emitted inside spans).
 */
export interface SpooledRecord {
  readonly hrTime: HrTime;
  readonly hrTimeObserved: HrTime;
  readonly eventName?: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body?: AnyValue;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly scope: SpooledScope;
}

/** A decoded line, or why it could not be decoded. */
export type DecodeResult = { ok: true; record: SpooledRecord } | { ok: false; reason: string };

/** Encodes a record as one line of JSON (without the newline). */
export function encodeRecord(record: SpooledRecord): string {
  const { scope } = record;
  return JSON.stringify({
    v: SPOOL_FORMAT_VERSION,
    time: record.hrTime,
    observed: record.hrTimeObserved,
    event: record.eventName,
    severity: record.severityNumber,
    severityText: record.severityText,
    body: record.body === undefined ? undefined : encodeAnyValue(record.body),
    attributes: encodeAttributes(record.attributes),
    dropped: record.droppedAttributesCount,
    scope: { name: scope.name, version: scope.version, schemaUrl: scope.schemaUrl },
  });
}

/** Decodes a line written by {@link encodeRecord}; anything else (torn, garbage, other version) is a failure. */
export function decodeRecord(line: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(raw)) return { ok: false, reason: 'not a JSON object' };
  if (raw.v !== SPOOL_FORMAT_VERSION) return { ok: false, reason: `unknown format version ${String(raw.v)}` };
  try {
    return { ok: true, record: toRecord(raw) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function toRecord(raw: Record<string, unknown>): SpooledRecord {
  const scope = raw.scope;
  if (!isObject(scope) || typeof scope.name !== 'string') throw new TypeError('missing scope name');
  return {
    hrTime: toHrTime(raw.time, 'time'),
    hrTimeObserved: toHrTime(raw.observed, 'observed'),
    eventName: optional(raw.event, 'string', 'event'),
    severityNumber: optional(raw.severity, 'number', 'severity'),
    severityText: optional(raw.severityText, 'string', 'severityText'),
    body: raw.body === undefined ? undefined : decodeAnyValue(raw.body),
    attributes: decodeAttributes(raw.attributes),
    droppedAttributesCount: optional(raw.dropped, 'number', 'dropped') ?? 0,
    scope: {
      name: scope.name,
      version: optional(scope.version, 'string', 'scope.version'),
      schemaUrl: optional(scope.schemaUrl, 'string', 'scope.schemaUrl'),
    },
  };
}

function toHrTime(value: unknown, field: string): HrTime {
  const valid =
    Array.isArray(value) && value.length === 2 && value.every((part) => Number.isSafeInteger(part) && part >= 0);
  if (!valid) throw new TypeError(`${field} is not an [seconds, nanoseconds] pair`);
  return [value[0] as number, value[1] as number];
}

function optional<T extends 'string' | 'number'>(
  value: unknown,
  type: T,
  field: string,
): (T extends 'string' ? string : number) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new TypeError(`${field} is not a ${type}`);
  return value as T extends 'string' ? string : number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
