export { openEventSpool } from './open-event-spool.ts';
export { SpoolingLogRecordProcessor } from './spooling-processor.ts';
export type { EventSpoolOptions } from './spool-options.ts';
export type { DropReason } from './spool-writer.ts';
export { SpoolError, type SpoolErrorCode } from './spool-error.ts';
export { probeHttpStatus, type HttpStatusProbe } from './http-status-probe.ts';
