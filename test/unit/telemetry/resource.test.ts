import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultResource } from '@opentelemetry/resources';
import { createTelemetrySdk } from '../../../src/telemetry/sdk.ts';
import { CollectingExporter, NEVER_MS } from '../../helpers/collecting-exporter.ts';

/** The resource attributes of what the SDK built with `resource` and `instanceId` exports. */
async function exportedResource(resource: Record<string, string>, instanceId?: string) {
  const exporter = new CollectingExporter();
  const sdk = createTelemetrySdk({
    exporter: undefined,
    serviceName: 'm365-health',
    serviceVersion: '1.2.3',
    instanceId,
    resource,
    metricExporters: [{ exporter, intervalMs: NEVER_MS }],
  });
  sdk.meter.createCounter('m365.test.counter').add(1);
  await sdk.forceFlush();
  await sdk.shutdown(1_000);
  const [first] = exporter.take();
  assert.ok(first, 'one export');
  return first.resource.attributes;
}

describe('the resource', () => {
  test('carries the SDK’s telemetry.sdk.* attributes, the service and the given service.instance.id', async () => {
    const attributes = await exportedResource({ 'deployment.environment.name': 'prod' }, 'instance-a');
    const sdk = defaultResource().attributes;
    assert.deepEqual(
      {
        name: attributes['telemetry.sdk.name'],
        language: attributes['telemetry.sdk.language'],
        version: attributes['telemetry.sdk.version'],
      },
      {
        name: sdk['telemetry.sdk.name'],
        language: sdk['telemetry.sdk.language'],
        version: sdk['telemetry.sdk.version'],
      },
    );
    assert.equal(attributes['telemetry.sdk.language'], 'nodejs');
    assert.equal(attributes['service.name'], 'm365-health');
    assert.equal(attributes['service.version'], '1.2.3');
    assert.equal(attributes['service.instance.id'], 'instance-a');
    assert.equal(attributes['deployment.environment.name'], 'prod');
  });

  test('OTEL_RESOURCE_ATTRIBUTES (or the file’s resource) may set service.instance.id', async () => {
    const attributes = await exportedResource({ 'service.instance.id': 'from-attributes' }, 'instance-a');
    assert.equal(attributes['service.instance.id'], 'from-attributes');
  });
});
