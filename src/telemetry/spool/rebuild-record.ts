import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { SpooledRecord, SpooledScope } from './record-codec.ts';

/**
 * Turns spooled records back into the SDK's `ReadableLogRecord`s, as an exporter expects them. The OTLP encoder
 * groups records by the identity of their resource and scope objects, so one scope object is kept per
 * (name, version, schema URL) for the life of the rebuilder.
 */
export function createRecordRebuilder(resource: Resource): (records: readonly SpooledRecord[]) => ReadableLogRecord[] {
  const scopes = new Map<string, SpooledScope>();
  const scopeOf = (scope: SpooledScope): SpooledScope => {
    const key = JSON.stringify([scope.name, scope.version ?? '', scope.schemaUrl ?? '']);
    let shared = scopes.get(key);
    if (!shared) {
      shared = Object.freeze({ ...scope });
      scopes.set(key, shared);
    }
    return shared;
  };
  return (records) => records.map((record) => rebuildRecord(record, resource, scopeOf(record.scope)));
}

function rebuildRecord(record: SpooledRecord, resource: Resource, scope: SpooledScope): ReadableLogRecord {
  return {
    resource,
    instrumentationScope: scope,
    hrTime: record.hrTime,
    hrTimeObserved: record.hrTimeObserved,
    eventName: record.eventName,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    attributes: record.attributes,
    droppedAttributesCount: record.droppedAttributesCount,
  };
}
