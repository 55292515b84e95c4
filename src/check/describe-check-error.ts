import { M365Error, toM365Error, type ErrorCode } from '../errors.ts';

/** Codes of an answer that was not what the API documents, rather than an error it returned. */
const ANSWERED_BADLY: ReadonlySet<ErrorCode> = new Set([
  'AUTH_BAD_RESPONSE',
  'GRAPH_BAD_RESPONSE',
  'GRAPH_ANSWER_TOO_LARGE',
]);

/** What is printed before the error's own message: the side that failed, by the code's prefix. */
function prefixOf(code: ErrorCode): string {
  const side = code.startsWith('AUTH_') ? 'Login' : code.startsWith('GRAPH_') ? 'Graph' : undefined;
  if (side === undefined) return '';
  return `${side} endpoint API ${ANSWERED_BADLY.has(code) ? 'answered badly' : 'returned an error'}: `;
}

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
  return `${prefixOf(code)}${message}`;
}
