import { M365Error } from '../errors.ts';
import type { HttpAnswer } from '../net/http-fetch.ts';
import { readBodyChunksCapped } from '../net/read-body.ts';

/** Largest response body the Graph client reads (a page of 1,000 issues is a few MB). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads a Graph answer's body as the chunks the network gave, refusing one larger than `limit` bytes. */
export function readGraphBody(response: HttpAnswer, limit = MAX_BODY_BYTES): Promise<Uint8Array[]> {
  return readBodyChunksCapped(response, limit, (declared) => {
    const size = declared === undefined ? '' : ` of ${declared} bytes`;
    return new M365Error('GRAPH_BAD_RESPONSE', `response${size} exceeds the ${limit}-byte limit`);
  });
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
