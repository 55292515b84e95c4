/** Failure codes of the event spool. */
export type SpoolErrorCode =
  /** Another live process holds the spool directory's lock. */
  | 'SPOOL_LOCKED'
  /** The spool directory or one of its files cannot be created, read or written. */
  | 'SPOOL_IO'
  /** A spooled line is not a record of this format (torn write, garbage). */
  | 'SPOOL_CORRUPT';

/** Error carrying a {@link SpoolErrorCode} and the original cause. */
export class SpoolError extends Error {
  readonly code: SpoolErrorCode;

  constructor(code: SpoolErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SpoolError';
    this.code = code;
  }
}

/** Wraps a file-system failure into a `SPOOL_IO` {@link SpoolError}, keeping spool errors as they are. */
export function toSpoolError(error: unknown, action: string): SpoolError {
  if (error instanceof SpoolError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new SpoolError('SPOOL_IO', `${action}: ${reason}`, { cause: error });
}
