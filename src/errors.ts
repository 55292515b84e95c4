/**
 * The closed set of failure codes used across m365-health. Foreign errors (openid-client, fetch, JSON) are
 * mapped into these in one place per boundary; only the CLI edge turns a code into an exit status or a sentence.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'AUTH_INVALID_SECRET'
  | 'AUTH_SECRET_EXPIRED'
  | 'AUTH_APP_NOT_FOUND'
  | 'AUTH_TENANT_NOT_FOUND'
  | 'AUTH_CERTIFICATE_REJECTED'
  | 'AUTH_CONDITIONAL_ACCESS'
  | 'AUTH_FAILED'
  | 'AUTH_UNAVAILABLE'
  | 'AUTH_BAD_RESPONSE'
  | 'GRAPH_FORBIDDEN'
  | 'GRAPH_UNAUTHORIZED'
  | 'GRAPH_THROTTLED'
  | 'GRAPH_ERROR'
  | 'GRAPH_BAD_RESPONSE'
  | 'GRAPH_FOREIGN_LINK'
  | 'GRAPH_TOO_MANY_PAGES'
  | 'GRAPH_ANSWER_TOO_LARGE'
  | 'REQUEST_BUDGET'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'LISTEN_FAILED'
  | 'QUERY_INVALID'
  | 'EXPRESSION_SYNTAX'
  | 'SCENARIO_INVALID'
  | 'STATE_DIR_UNUSABLE'
  | 'STATE_LOCKED';

/** Error carrying one of the {@link ErrorCode}s, an optional HTTP status and the original cause. */
export class M365Error extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  /** Seconds to wait before trying again, when the remote side said so. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; retryAfter?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'M365Error';
    this.code = code;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
  }
}

/** Error codes that are transient: the same request may succeed later without any change of configuration. */
export const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AUTH_UNAVAILABLE',
  'AUTH_BAD_RESPONSE',
  'GRAPH_THROTTLED',
  'REQUEST_BUDGET',
  'GRAPH_ERROR',
  'GRAPH_BAD_RESPONSE',
  'NETWORK',
  'TIMEOUT',
]);

/** Wraps anything thrown into an {@link M365Error}, keeping codes that are already ours. */
export function toM365Error(error: unknown, fallback: ErrorCode = 'NETWORK'): M365Error {
  if (error instanceof M365Error) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new M365Error(error.name === 'TimeoutError' ? 'TIMEOUT' : 'ABORTED', error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new M365Error(fallback, message, { cause: error });
}

/** An error's message followed by its cause's (`fetch failed: connect ECONNREFUSED …`), or what was thrown, as text. */
export function describeWithCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
