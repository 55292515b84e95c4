import { createHash } from 'node:crypto';
import type { TokenProvider } from '../auth/token-provider.ts';
import { describeWithCause, M365Error, toM365Error } from '../errors.ts';
import type { Snapshot } from '../health/model.ts';
import type { HttpAnswer, HttpGet } from '../net/http-fetch.ts';
import { decodeChunks, readBodyChunksCapped } from '../net/read-body.ts';
import { AnswerTally, type DecodedPage } from './answer-limits.ts';
import { decodeServicePage } from './decode.ts';
import { backoffDelay, MAX_RETRY_AFTER_MS, readRetryAfter, type RetryAfterWait } from '../shared/retry-after.ts';
import { HEALTH_OVERVIEWS_PATH } from './wire.ts';

export interface GraphClientOptions {
  /** Graph base URL, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
  tokens: TokenProvider;
  get: HttpGet;
  clock: () => number;
  /** Waits `ms` or rejects when the signal aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called with the HTTP status of every Graph response (self-monitoring). */
  onResponse?: (status: number) => void;
  /** Most pages followed in one poll before giving up (an endless nextLink chain). */
  maxPages?: number;
  /** Most retries of one request after 429/5xx. */
  maxRetries?: number;
}

export interface FetchRequest {
  /** Instant (clock ms) by which the poll must be over; retries never wait past it. */
  deadline: number;
  signal: AbortSignal;
}

/** An OData collection to read: its first page, what its pages are called in errors, and how each page decodes. */
export interface Collection<T> {
  url: string;
  pages: string;
  decodePage: (body: unknown, tally: AnswerTally) => DecodedPage<T>;
  /** What a 403 says instead of Graph's words: the permission the read needs. */
  forbidden?: string;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const DEFAULT_MAX_PAGES = 100;
const DEFAULT_MAX_RETRIES = 4;
/** Largest response body the Graph client reads (a page of 1,000 issues is a few MB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A read of every service's health that may find the answer of the read before, byte for byte. */
export type HealthRead =
  { same: false; snapshot: Snapshot; digest: string | undefined } | { same: true; fetchedAt: number };

/**
 * Reads every service's health with its issues: `GET {graph}/v1.0/admin/serviceAnnouncement/healthOverviews?$expand=issues`,
 * following `@odata.nextLink` to the end (on the same host only), retrying throttling within the deadline. What the
 * answer holds, all its pages together, is bounded by `ANSWER_LIMITS` (`GRAPH_ANSWER_TOO_LARGE` past one).
 */
export async function fetchServiceHealth(options: GraphClientOptions, request: FetchRequest): Promise<Snapshot> {
  const read = await readServiceHealth(options, request, undefined);
  if (read.same) throw new Error('unreachable: no digest was given');
  return read.snapshot;
}

/**
 * {@link fetchServiceHealth}, telling an answer of one page that is byte for byte the one of `previous` (a SHA-256 of
 * the body) without decoding or parsing it: most tenants' health does not change between two polls. A one-page
 * answer comes with its digest; an answer of several pages has none, and is always parsed.
 */
export async function readServiceHealth(
  options: GraphClientOptions,
  request: FetchRequest,
  previous: string | undefined,
): Promise<HealthRead> {
  const url = `${options.graphUrl}/v1.0${HEALTH_OVERVIEWS_PATH}?$expand=issues`;
  const read = await readCollection(
    options,
    request,
    { url, pages: 'results', decodePage: decodeServicePage },
    previous,
  );
  if (read === undefined) return { same: true, fetchedAt: options.clock() };
  return { same: false, snapshot: { services: read.entries, fetchedAt: options.clock() }, digest: read.digest };
}

/**
 * Reads every page of an OData collection, following `@odata.nextLink` on the Graph host only, each page counted in
 * one tally against `ANSWER_LIMITS`. A one-page answer comes with its digest; undefined, not parsed, when that is
 * `previous` (only a one-page answer has a digest, so the same bytes are the same whole answer).
 */
export async function readCollection<T>(
  options: GraphClientOptions,
  request: FetchRequest,
  collection: Collection<T>,
  previous?: string,
): Promise<{ entries: T[]; digest: string | undefined } | undefined> {
  const origin = new URL(options.graphUrl).origin;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const entries: T[] = [];
  const seen = new Set<string>();
  const tally = new AnswerTally();
  let url: string | undefined = collection.url;
  let digest: string | undefined;
  for (let page = 0; url !== undefined; page++) {
    if (page >= maxPages)
      throw new M365Error(
        'GRAPH_TOO_MANY_PAGES',
        `more than ${maxPages} pages of ${collection.pages}: stopped following @odata.nextLink`,
      );
    seen.add(url);
    const { chunks, response } = await getBody(options, url, request, collection.forbidden);
    if (page === 0) {
      digest = digestOf(chunks);
      if (digest === previous) {
        response.release?.(chunks);
        return undefined;
      }
    }
    const decoded = collection.decodePage(parseJsonBody(takeText(chunks, response), response), tally);
    entries.push(...decoded.entries);
    url = decoded.nextLink === undefined ? undefined : checkNextLink(decoded.nextLink, origin, seen);
    if (url !== undefined) digest = undefined;
  }
  return { entries, digest };
}

/** Checks an `@odata.nextLink`: absolute, on the Graph host called (the token never goes elsewhere), not seen before. */
function checkNextLink(link: string, origin: string, seen: ReadonlySet<string>): string {
  let parsed: URL;
  try {
    parsed = new URL(link);
  } catch {
    throw new M365Error(
      'GRAPH_BAD_RESPONSE',
      `@odata.nextLink is not an absolute URL: ${JSON.stringify(link.slice(0, 200))}`,
    );
  }
  if (parsed.origin !== origin) {
    throw new M365Error(
      'GRAPH_FOREIGN_LINK',
      `@odata.nextLink points at ${parsed.origin}, not ${origin}: refused (the token is never sent elsewhere)`,
    );
  }
  if (seen.has(link)) throw new M365Error('GRAPH_BAD_RESPONSE', '@odata.nextLink repeats a page already read');
  return link;
}

/** The text of a body read in chunks, whose buffers then go back to the HTTP client (the text is a copy). */
function takeText(chunks: readonly Uint8Array[], response: HttpAnswer): string {
  const text = decodeChunks(chunks);
  response.release?.(chunks);
  return text;
}

/** Reads a Graph answer's body as the chunks the network gave, refusing one larger than `limit` bytes. */
export function readGraphBody(response: HttpAnswer, limit = MAX_BODY_BYTES): Promise<Uint8Array[]> {
  return readBodyChunksCapped(response, limit, (declared) => {
    const size = declared === undefined ? '' : ` of ${declared} bytes`;
    return new M365Error('GRAPH_BAD_RESPONSE', `response${size} exceeds the ${limit}-byte limit`);
  });
}

/** Parses a JSON body, or explains why it could not, with the HTTP status and content type. */
function parseJsonBody(body: string, response: HttpAnswer): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    const type = response.headers.get('content-type') ?? 'no content type';
    const reason = error instanceof Error ? error.message : String(error);
    const message = `Cannot decode json response: ${reason} (HTTP ${response.status}, ${type})`;
    throw new M365Error('GRAPH_BAD_RESPONSE', message, { status: response.status, cause: error });
  }
}

/** The SHA-256 of a body read in chunks (the same however the network cut it). */
function digestOf(chunks: readonly Uint8Array[]): string {
  const sha = createHash('sha256');
  for (const chunk of chunks) sha.update(chunk);
  return sha.digest('base64');
}

/** GET a Graph URL with a bearer token: the body of the good answer, after 401 (one fresh token) and throttling (retries). */
async function getBody(
  options: GraphClientOptions,
  url: string,
  request: FetchRequest,
  forbidden: string | undefined,
): Promise<{ chunks: Uint8Array[]; response: HttpAnswer }> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  let renewedToken = false;
  // The last retryable failure: what the poll reports when its deadline cuts the wait or the retry that follows.
  let failure: M365Error | undefined;
  const cutShort = (error: unknown): never => {
    throw failure !== undefined && request.signal.aborted ? failingAtDeadline(failure) : error;
  };
  for (let attempt = 0; ; attempt++) {
    const response = await send(options, url, request.signal).catch(cutShort);
    options.onResponse?.(response.status);
    if (response.status === 401 && !renewedToken) {
      await response.body?.cancel();
      options.tokens.invalidate();
      renewedToken = true;
      continue;
    }
    if (response.status >= 300 && response.status < 400) throw await refuseRedirect(response, url);
    if (response.ok) return { chunks: await readGraphBody(response), response };
    const retryAfter = readRetryAfter(response.headers.get('retry-after'), options.clock());
    const error = await toGraphError(response, retryAfter, forbidden);
    if (!RETRYABLE.has(response.status) || attempt >= maxRetries) throw error;
    const waitMs = retryAfter?.waitMs ?? backoffDelay(attempt, 1000, 30_000);
    if (options.clock() + waitMs > request.deadline) throw failingAtDeadline(error, { waitMs, retryAfter });
    failure = error;
    await options.sleep(waitMs, request.signal).catch(cutShort);
  }
}

async function send(options: GraphClientOptions, url: string, signal: AbortSignal): Promise<HttpAnswer> {
  const token = await options.tokens.getToken(signal);
  try {
    return await options.get(url, {
      headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' },
      signal,
    });
  } catch (error) {
    const mapped = toM365Error(error, 'NETWORK');
    if (mapped.code !== 'NETWORK') throw mapped;
    throw new M365Error('NETWORK', `cannot reach Microsoft Graph: ${describeWithCause(error)}`, { cause: error });
  }
}

/**
 * A retryable failure (429, 5xx) still there when the poll's deadline came: either the wait Graph asked for would
 * pass it, or the deadline cut the wait or the retry (`wait` absent).
 */
function failingAtDeadline(
  error: M365Error,
  wait?: { waitMs: number; retryAfter: RetryAfterWait | undefined },
): M365Error {
  const prefix = `${error.status === 429 ? 'still throttled' : 'still failing'} (HTTP ${error.status}) at the deadline`;
  if (wait === undefined) {
    const message = `${prefix}: the poll timed out while retrying`;
    return new M365Error(error.code, message, { status: error.status, cause: error });
  }
  const { waitMs, retryAfter } = wait;
  let asked = `${(waitMs / 1000).toFixed(1)} s more`;
  if (retryAfter?.capped) {
    const was = Number.isFinite(retryAfter.askedMs) ? `${Math.round(retryAfter.askedMs / 1000)} s` : 'forever';
    asked = `${was}, more than the ${MAX_RETRY_AFTER_MS / 1000} s obeyed at most: waiting ${retryAfter.waitMs / 1000} s`;
  }
  const options = { status: error.status, retryAfter: waitMs / 1000, cause: error };
  return new M365Error(error.code, `${prefix}: Graph asked to wait ${asked}`, options);
}

/**
 * A redirect from Graph, which never redirects these reads: to another host it is refused as a foreign link (the
 * token and the tenant's health never come from elsewhere), on the same host it is an error, not followed.
 */
async function refuseRedirect(response: HttpAnswer, url: string): Promise<M365Error> {
  await response.body?.cancel();
  const origin = new URL(url).origin;
  const location = response.headers.get('location');
  const target = location === null ? null : URL.parse(location, url);
  if (target !== null && target.origin !== origin) {
    return new M365Error(
      'GRAPH_FOREIGN_LINK',
      `HTTP ${response.status} redirects to ${target.origin}, not ${origin}: refused (the token is never sent elsewhere)`,
      { status: response.status },
    );
  }
  const where = target === null ? 'without a valid Location' : `to ${target.pathname}`;
  return new M365Error(
    'GRAPH_ERROR',
    `HTTP ${response.status} redirects ${where}: Graph does not redirect, not followed`,
    { status: response.status },
  );
}

/**
 * Turns a non-2xx Graph response into an error carrying Graph's own code and message, and its (capped)
 * `Retry-After`; a 403 says `forbidden` instead, when the read names the permission it needs.
 */
async function toGraphError(
  response: HttpAnswer,
  retryWait: RetryAfterWait | undefined,
  forbidden: string | undefined,
): Promise<M365Error> {
  const body = await readGraphBody(response, 64 * 1024).then(decodeChunks, () => '');
  let detail = `HTTP ${response.status}`;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const message = parsed.error?.message;
    if (typeof parsed.error?.code === 'string')
      detail = `${parsed.error.code}: ${typeof message === 'string' ? message : ''} (HTTP ${response.status})`;
  } catch {
    // A non-JSON error body (an HTML gateway page) says nothing more than its status.
  }
  const options = {
    status: response.status,
    retryAfter: retryWait === undefined ? undefined : retryWait.waitMs / 1000,
  };
  if (response.status === 403) {
    const fix = `${detail}: grant the application permission ServiceHealth.Read.All with admin consent`;
    return new M365Error('GRAPH_FORBIDDEN', forbidden ?? fix, options);
  }
  if (response.status === 401)
    return new M365Error('GRAPH_UNAUTHORIZED', `${detail}: Graph refused a fresh token`, options);
  if (response.status === 429) return new M365Error('GRAPH_THROTTLED', `throttled by Graph (${detail})`, options);
  return new M365Error('GRAPH_ERROR', `Graph error ${detail}`, options);
}
