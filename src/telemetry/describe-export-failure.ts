import type { ExportResult } from '@opentelemetry/core';
import { parseRetryAfter } from '../shared/retry-after.ts';
import type { LogFields } from '../log.ts';
import type { ObservedResponse } from './http-status-probe.ts';

/** What a failed export says, for the log and for the next delay. */
export interface ExportFailure {
  readonly fields: LogFields;
  /** How long the collector asked to wait (`Retry-After`), if it did. */
  readonly retryAfterMs?: number;
}

const MAX_BODY_CHARS = 200;

/**
 * Describes a failed export: the exporter's error message, the collector's HTTP status (from the error, or from
 * `observed` when the exporter left it out, as it does for retryable statuses), the network error code, and the
 * start of the collector's answer.
 */
export function describeExportFailure(
  result: ExportResult,
  observed: ObservedResponse | undefined,
  now: number,
): ExportFailure {
  const error: (Error & { code?: unknown; data?: unknown }) | undefined = result.error;
  const status = typeof error?.code === 'number' ? error.code : observed?.status;
  const fields: Record<string, string | number | undefined> = {
    reason: error?.message || 'export failed',
    status,
    error: typeof error?.code === 'string' ? error.code : undefined,
    body: typeof error?.data === 'string' && error.data !== '' ? error.data.slice(0, MAX_BODY_CHARS) : undefined,
    retryAfter: observed?.retryAfter,
  };
  const retryAfterMs = parseRetryAfter(observed?.retryAfter, now);
  return retryAfterMs === undefined ? { fields } : { fields, retryAfterMs };
}
