import { M365Error } from '../errors.ts';
import type { HttpAnswer } from '../net/http-fetch.ts';

/** Largest response body the Graph client reads (a page of 1,000 issues is a few MB). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

// Like `Response.text()`: invalid sequences become U+FFFD, a leading byte-order mark is dropped.
const utf8 = new TextDecoder();

/** Reads a response body as text, refusing bodies larger than `limit` bytes without buffering them whole. */
export async function readBodyCapped(response: HttpAnswer, limit = MAX_BODY_BYTES): Promise<string> {
  return decodeChunks(await readBodyChunksCapped(response, limit));
}

/**
 * Reads a response body as the chunks the network gave, refusing bodies larger than `limit` bytes without
 * buffering them whole. Not joined: each join is a copy outside the JavaScript heap, and at thousands of tenants a
 * minute that memory alone pushes V8 into full garbage collections of the agent's heap.
 */
export async function readBodyChunksCapped(response: HttpAnswer, limit = MAX_BODY_BYTES): Promise<Uint8Array[]> {
  const header = response.headers.get('content-length');
  const declared = header === null ? Number.NaN : Number(header);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new M365Error('GRAPH_BAD_RESPONSE', `response of ${declared} bytes exceeds the ${limit}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  if (!response.body) return chunks;
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new M365Error('GRAPH_BAD_RESPONSE', `response exceeds the ${limit}-byte limit`);
    }
    chunks.push(chunk);
  }
  return chunks;
}

/** The text of a body read in chunks, decoded as `Response.text()` does. */
export function decodeChunks(chunks: readonly Uint8Array[]): string {
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  let text = '';
  for (const chunk of chunks) text += utf8.decode(chunk, { stream: true });
  return text + utf8.decode();
}

/** Parses a JSON body, or explains why it could not, with the HTTP status and content type. */
export function parseJsonBody(body: string, response: HttpAnswer): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    const type = response.headers.get('content-type') ?? 'no content type';
    const reason = error instanceof Error ? error.message : String(error);
    throw new M365Error(
      'GRAPH_BAD_RESPONSE',
      `Cannot decode json response: ${reason} (HTTP ${response.status}, ${type})`,
      {
        status: response.status,
        cause: error,
      },
    );
  }
}
