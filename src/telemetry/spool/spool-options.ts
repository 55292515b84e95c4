import type { Resource } from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Log } from '../../log.ts';
import type { DropReason } from './spool-writer.ts';

/** Options of {@link openEventSpool}; only `dir`, `exporter`, `resource` and `log` are required. */
export interface EventSpoolOptions {
  /** The spool directory (created 0700). One process per directory. */
  readonly dir: string;
  /** Where records go; the OTLP log exporter. Only its `SUCCESS` removes records from the spool. */
  readonly exporter: LogRecordExporter;
  /** The resource sent with every record, those spooled by an earlier run included. */
  readonly resource: Resource;
  readonly log: Log;
  /** The exporter's URL: lets failures be logged with the collector's HTTP status (see `probeHttpStatus`). */
  readonly exporterUrl?: string;
  /** Bound on the spool's size; beyond it the oldest events are dropped. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Size at which a new segment file is started. Default 1 MiB (at most an eighth of `maxBytes`). */
  readonly segmentBytes?: number;
  /** Appends are fsynced this long after the first unsynced one. Default 50 ms. */
  readonly syncDelayMs?: number;
  /** Backoff between failed exports. Default 1 s doubling to 60 s, with jitter. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Interval between "still failing" log lines. Default 60 s. */
  readonly failureLogIntervalMs?: number;
  /** An export that has not called back after this long counts as failed. Default 30 s. */
  readonly exportTimeoutMs?: number;
  /** Records per export. Default 512. */
  readonly maxBatchRecords?: number;
  /** Spooled bytes read per export. Default 512 KiB. */
  readonly maxBatchBytes?: number;
  /** Bound of `forceFlush()` when the caller gives none. Default 5 s. */
  readonly flushTimeoutMs?: number;
  /** Bound of `shutdown()`. Default 5 s. */
  readonly shutdownTimeoutMs?: number;
  /** A lock not refreshed for this long is taken over. Default 60 s (refreshed every quarter of it). */
  readonly lockStaleMs?: number;
  /** Called whenever events are dropped (feed `m365.events.dropped` from it). */
  readonly onDrop?: (count: number, reason: DropReason) => void;
  /** Seams for tests. */
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly newEventId?: () => string;
}

/** {@link EventSpoolOptions} with every default applied. */
export type ResolvedSpoolOptions = Required<Omit<EventSpoolOptions, 'exporterUrl' | 'onDrop'>> &
  Pick<EventSpoolOptions, 'exporterUrl' | 'onDrop'> & { readonly maxRecordBytes: number };

const MIB = 1024 * 1024;

/** Applies the defaults and keeps the sizes consistent with one another. */
export function resolveSpoolOptions(
  options: EventSpoolOptions,
  defaults: Pick<ResolvedSpoolOptions, 'sleep' | 'newEventId'>,
): ResolvedSpoolOptions {
  const maxBytes = Math.max(options.maxBytes ?? 64 * MIB, 4096);
  return {
    ...options,
    maxBytes,
    segmentBytes: Math.max(1, Math.min(options.segmentBytes ?? MIB, Math.floor(maxBytes / 8))),
    maxRecordBytes: Math.min(MIB, Math.floor(maxBytes / 4)),
    syncDelayMs: options.syncDelayMs ?? 50,
    backoff: options.backoff ?? { initialMs: 1000, maxMs: 60_000 },
    failureLogIntervalMs: options.failureLogIntervalMs ?? 60_000,
    exportTimeoutMs: options.exportTimeoutMs ?? 30_000,
    maxBatchRecords: Math.max(1, options.maxBatchRecords ?? 512),
    maxBatchBytes: Math.max(1, options.maxBatchBytes ?? 512 * 1024),
    flushTimeoutMs: options.flushTimeoutMs ?? 5000,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5000,
    lockStaleMs: options.lockStaleMs ?? 60_000,
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaults.sleep,
    newEventId: options.newEventId ?? defaults.newEventId,
  };
}
