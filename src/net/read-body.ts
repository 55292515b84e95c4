import type { HttpAnswer } from './http-fetch.ts';

/**
 * Reads a body as the chunks the network gave, refusing one of more than `limit` bytes, declared by its
 * `content-length` or as it arrives, without holding it: the rest is dropped and `tooLarge` (given the declared
 * length when that told) makes the error thrown. Not joined: each join is a copy outside the JavaScript heap, and at
 * thousands of tenants a minute that memory alone pushes V8 into full garbage collections of the agent's heap.
 */
export async function readBodyChunksCapped(
  answer: HttpAnswer,
  limit: number,
  tooLarge: (declared: number | undefined) => Error,
): Promise<Uint8Array[]> {
  const declared = Number(answer.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await answer.body?.cancel().catch(() => undefined);
    throw tooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  if (!answer.body) return chunks;
  let size = 0;
  for await (const chunk of answer.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await answer.body.cancel().catch(() => undefined);
      throw tooLarge(undefined);
    }
    chunks.push(chunk);
  }
  return chunks;
}

// Like `Response.text()`: invalid sequences become U+FFFD, a leading byte-order mark is dropped.
const utf8 = new TextDecoder();

/** The text of a body read in chunks, decoded as `Response.text()` does. */
export function decodeChunks(chunks: readonly Uint8Array[]): string {
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  let text = '';
  for (const chunk of chunks) text += utf8.decode(chunk, { stream: true });
  return text + utf8.decode();
}
