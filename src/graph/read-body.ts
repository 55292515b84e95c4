import { M365Error } from '../errors.ts';

/** Largest response body the Graph client reads (a page of 1,000 issues is a few MB). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

// Like `Response.text()`: invalid sequences become U+FFFD, a leading byte-order mark is dropped.
const utf8 = new TextDecoder();

/** Reads a response body as text, refusing bodies larger than `limit` bytes without buffering them whole. */
export async function readBodyCapped(response: Response, limit = MAX_BODY_BYTES): Promise<string> {
  return utf8.decode(await readBodyBytesCapped(response, limit));
}

/** Reads a response body's bytes, refusing bodies larger than `limit` bytes without buffering them whole. */
export async function readBodyBytesCapped(response: Response, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  const declared = header === null ? Number.NaN : Number(header);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new M365Error('GRAPH_BAD_RESPONSE', `response of ${declared} bytes exceeds the ${limit}-byte limit`);
  }
  if (!response.body) return new Uint8Array(0);
  // A declared length within the limit is what HTTP/1.1 then delivers, no more: read it whole, the cheap way.
  if (Number.isFinite(declared)) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new M365Error('GRAPH_BAD_RESPONSE', `response exceeds the ${limit}-byte limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body (UTF-8 bytes), or explains why it could not, with the HTTP status and content type. */
export function parseJsonBody(body: Uint8Array, response: Response): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch (error) {
    const type = response.headers.get('content-type') ?? 'no content type';
    const reason = error instanceof Error ? error.message : String(error);
    throw new M365Error('GRAPH_BAD_RESPONSE', `Cannot decode json response: ${reason} (HTTP ${response.status}, ${type})`, {
      status: response.status,
      cause: error,
    });
  }
}
