import { M365Error, toM365Error, type ErrorCode } from '../errors.ts';

const LOGIN_ERROR = 'Login endpoint API returned an error: ';
const GRAPH_ERROR = 'Graph endpoint API returned an error: ';

/** What is printed before the error's own message, by code. */
const PREFIXES: Readonly<Partial<Record<ErrorCode, string>>> = Object.freeze({
  AUTH_INVALID_SECRET: LOGIN_ERROR,
  AUTH_SECRET_EXPIRED: LOGIN_ERROR,
  AUTH_APP_NOT_FOUND: LOGIN_ERROR,
  AUTH_TENANT_NOT_FOUND: LOGIN_ERROR,
  AUTH_CERTIFICATE_REJECTED: LOGIN_ERROR,
  AUTH_CONDITIONAL_ACCESS: LOGIN_ERROR,
  AUTH_FAILED: LOGIN_ERROR,
  AUTH_UNAVAILABLE: LOGIN_ERROR,
  AUTH_BAD_RESPONSE: 'Login endpoint API answered badly: ',
  GRAPH_FORBIDDEN: GRAPH_ERROR,
  GRAPH_UNAUTHORIZED: GRAPH_ERROR,
  GRAPH_ERROR: GRAPH_ERROR,
  GRAPH_FOREIGN_LINK: GRAPH_ERROR,
  GRAPH_TOO_MANY_PAGES: GRAPH_ERROR,
  GRAPH_BAD_RESPONSE: 'Graph endpoint API answered badly: ',
  GRAPH_ANSWER_TOO_LARGE: 'Graph endpoint API answered badly: ',
});

/**
 * The sentence printed after `UNKNOWN: ` when a run fails: the error's own message (which says what to fix),
 * prefixed with the side that failed. Decode errors keep Centreon's `Cannot decode json response: …` wording;
 * throttling that outlasts `--timeout` says it is still throttled.
 */
export function describeCheckError(error: unknown, timeoutMs: number): string {
  const mapped = toM365Error(error);
  const { code } = mapped;
  const message =
    mapped.message.startsWith('still') && mapped.cause instanceof M365Error
      ? `${mapped.message} (last answer: ${mapped.cause.message})`
      : mapped.message;
  if (code === 'GRAPH_BAD_RESPONSE' && message.startsWith('Cannot decode json response')) return message;
  if (code === 'GRAPH_THROTTLED') {
    return `Graph endpoint API ${message.startsWith('still') ? message : `still throttled after retries: ${message}`}`;
  }
  if (code === 'TIMEOUT') return `No answer within --timeout=${timeoutMs / 1000} s: ${message}`;
  return `${PREFIXES[code] ?? ''}${message}`;
}
