import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/index.ts';
import type { ExporterConfig } from '../../src/config/types.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const TLS = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const pem = (name: string) => readFileSync(`${TLS}${name}`, 'utf8');
const TENANT = `tenants:
  - name: contoso
    tenant_id: contoso.onmicrosoft.com
    client_id: 11111111-2222-3333-4444-555555555555
    client_secret: not-a-secret
`;

/** The exporter section as the agent would load it, from a config file beside the TLS fixtures. */
function loadExporter(receiver: OtlpReceiver, tls: string, env: Record<string, string> = {}): ExporterConfig {
  const text = `exporter:\n  endpoint: ${receiver.url}\n  timeout: 1s\n${tls}${TENANT}`;
  const result = parseConfig(text, `${TLS}agent.yaml`, env, (path) => readFileSync(path, 'utf8'));
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.config.exporter;
}

/** Sorted, without repeats (metrics go out at the flush and again at the shutdown). */
const distinct = (items: string[]) => [...new Set(items)].sort();

/** Records one metric point and one event through the SDK built from `exporter`, and flushes them. */
async function exportOnce(exporter: ExporterConfig): Promise<void> {
  const sdk = createTelemetrySdk({ exporter, serviceName: 'm365-health', serviceVersion: 'test', resource: {} });
  sdk.meter.createCounter('m365.test.exports').add(1);
  // Events are exported from the outbox, where the agent's ledger puts them once committed.
  sdk.outbox!.admit('contoso', sdk.outbox!.encode([{ eventName: 'm365.test.event', body: 'hello' }]));
  await sdk.forceFlush();
  await sdk.shutdown(2_000);
}

describe('OTLP over TLS to a collector with a private CA', () => {
  let server: OtlpReceiver;
  let mutual: OtlpReceiver;
  before(async () => {
    server = await startOtlpReceiver({ tls: { key: pem('server.key'), cert: pem('server.pem') } });
    mutual = await startOtlpReceiver({ tls: { key: pem('server.key'), cert: pem('server.pem'), ca: pem('ca.pem') } });
  });
  after(async () => {
    await server.close();
    await mutual.close();
  });

  test('exports with exporter.tls.ca_file; without it the collector is not trusted and nothing arrives', async () => {
    await exportOnce(loadExporter(server, ''));
    assert.equal(server.requests().length, 0, 'a certificate from an unknown CA is refused');
    await exportOnce(loadExporter(server, '  tls:\n    ca_file: ca.pem\n'));
    assert.deepEqual(distinct(server.requests().map((r) => `${r.path} ${r.status}`)), [
      '/v1/logs 200',
      '/v1/metrics 200',
    ]);
    assert.equal(server.logs()[0]?.eventName, 'm365.test.event');
  });

  test('mutual TLS with cert_file and key_file, or with the standard OTEL_EXPORTER_OTLP_* variables', async () => {
    await exportOnce(loadExporter(mutual, '  tls:\n    ca_file: ca.pem\n'));
    assert.equal(mutual.requests().length, 0, 'the collector requires a client certificate');
    await exportOnce(
      loadExporter(mutual, '  tls:\n    ca_file: ca.pem\n    cert_file: client.pem\n    key_file: client.key\n'),
    );
    assert.deepEqual(distinct(mutual.requests().map((r) => `${r.path} ${r.clientCertificate}`)), [
      '/v1/logs m365-health test client',
      '/v1/metrics m365-health test client',
    ]);
    mutual.reset();
    await exportOnce(
      loadExporter(mutual, '', {
        OTEL_EXPORTER_OTLP_CERTIFICATE: `${TLS}ca.pem`,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: `${TLS}client.pem`,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: `${TLS}client.key`,
      }),
    );
    assert.deepEqual(distinct(mutual.requests().map((r) => `${r.path} ${r.status}`)), [
      '/v1/logs 200',
      '/v1/metrics 200',
    ]);
  });
});
