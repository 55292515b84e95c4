import type { ExporterConfig } from '../../src/config/types.ts';

/** An exporter aimed at a closed port (the discard port): for tests of an agent whose telemetry is not read. */
export const CLOSED_PORT_EXPORTER: ExporterConfig = Object.freeze({
  endpoint: 'http://127.0.0.1:9',
  protocol: 'http/protobuf',
  headers: Object.freeze({}),
  intervalMs: 60_000,
  timeoutMs: 1000,
  compression: 'none',
  temporality: 'cumulative',
});
