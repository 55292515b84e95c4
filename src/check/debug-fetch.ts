import { describeWithCause } from '../errors.ts';
import { REDACTED, scrubText } from '../shared/scrub-text.ts';

export interface DebugFetchOptions {
  readonly fetch: typeof fetch;
  /** Receives each line of the transcript. */
  readonly write: (line: string) => void;
  /** Values never to print (the client secret); access tokens seen in answers are added as they come. */
  readonly secrets: readonly string[];
  readonly clock: () => number;
}

/** Longest body shown, characters. */
const MAX_BODY_CHARS = 4000;
/** Most of an answer read for the transcript: a login answer past this is refused anyway, a Graph one is cut. */
const MAX_READ_BYTES = 1024 * 1024;

/**
 * Wraps `fetch` to print each HTTP exchange for `--debug`: method, URL, status, time, headers and bodies,
 * with secrets, client assertions and tokens redacted by field and, as a last guard, by value (the tokens seen in
 * answers included, so that they never appear later either).
 */
export function createDebugFetch(options: DebugFetchOptions): typeof fetch {
  const secrets = new Set(options.secrets);
  const print = (line: string): void => options.write(scrubText(line, secrets));
  const printBody = (marker: string, body: string, type: string | null): void => {
    if (body === '') return;
    const shown = showBody(body, type);
    print(
      `${marker} ${shown.length > MAX_BODY_CHARS ? `${shown.slice(0, MAX_BODY_CHARS)}… (${body.length} characters)` : shown}`,
    );
  };
  return async (input, init) => {
    const original = input instanceof Request ? input : undefined;
    const headers = new Headers(init?.headers ?? original?.headers);
    print(
      `> ${(init?.method ?? original?.method ?? 'GET').toUpperCase()} ${input instanceof Request ? input.url : String(input)}`,
    );
    for (const line of redactHeaders(headers)) print(`> ${line}`);
    printBody('>', bodyText(init?.body), headers.get('content-type'));
    const started = options.clock();
    let response: Response;
    try {
      response = await options.fetch(input, init);
    } catch (error) {
      print(`< failed after ${options.clock() - started} ms: ${describeWithCause(error)}`);
      throw error;
    }
    const elapsedMs = options.clock() - started;
    print(`< HTTP ${[response.status, response.statusText].filter(Boolean).join(' ')} (${elapsedMs} ms)`);
    for (const line of redactHeaders(response.headers)) print(`< ${line}`);
    const body = await readShown(response.clone(), MAX_READ_BYTES).catch((error: unknown) => {
      print(`< body unreadable: ${describeWithCause(error)}`);
      return '';
    });
    for (const token of findTokens(body)) secrets.add(token);
    printBody('<', body, response.headers.get('content-type'));
    return response;
  };
}

function bodyText(body: RequestInit['body']): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return '[binary body]';
}

function showBody(body: string, type: string | null): string {
  if (type?.includes('application/x-www-form-urlencoded')) return redactForm(body);
  return redactJson(body) ?? body.replace(/\s+/g, ' ');
}

/** The start of a body, at most `limit` bytes of it (the rest of this copy is dropped, not read). */
async function readShown(response: Response, limit: number): Promise<string> {
  // A fetch body is a stream of bytes by the standard; Node's types leave its chunks untyped.
  const stream: ReadableStream<Uint8Array> | null = response.body;
  if (!stream) return '';
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let size = 0; size < limit;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value.byteLength > limit - size ? value.subarray(0, limit - size) : value, { stream: true });
    size += value.byteLength;
  }
  // Not awaited: a cancelled copy of a body settles only once the caller's is done with too.
  reader.cancel().catch(() => undefined);
  return text + decoder.decode();
}

/** Form and JSON fields whose values are credentials. */
const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'client_secret',
  'client_assertion',
  'assertion',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
]);

/** Headers whose values are credentials; `authorization` keeps its scheme (`Bearer [redacted]`). */
const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/** Header lines `name: value` with credentials hidden. */
export function redactHeaders(headers: Headers): string[] {
  return [...headers.entries()].map(([name, value]) => {
    if (!SENSITIVE_HEADERS.has(name)) return `${name}: ${value}`;
    const scheme = name.endsWith('authorization') ? /^\S+(?=\s)/.exec(value)?.[0] : undefined;
    return `${name}: ${scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`}`;
  });
}

/** A form-encoded body with the values of credential fields hidden. */
export function redactForm(body: string): string {
  const params = new URLSearchParams(body);
  for (const name of [...params.keys()]) if (SENSITIVE_FIELDS.has(name)) params.set(name, REDACTED);
  return params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** A JSON text with the values of credential fields hidden at any depth; undefined when it is not JSON. */
export function redactJson(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return JSON.stringify(parsed, (key, value: unknown) => (SENSITIVE_FIELDS.has(key) ? REDACTED : value));
}

/** The access tokens a token endpoint's JSON answer carries, to scrub them from later output. */
function findTokens(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return ['access_token', 'refresh_token', 'id_token']
      .map((key) => parsed[key])
      .filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}
