import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readGraphBody } from '../../../src/graph/graph-client.ts';
import { decodeChunks } from '../../../src/net/read-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

function chunkedResponse(chunks: Uint8Array[], headers: Record<string, string> = {}): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(stream, { headers });
}

test('decodeChunks decodes a character split between two chunks, and drops a leading byte-order mark, like text()', async () => {
  const whole = bytes('\uFEFF{"title":"Problème d’accès à Exchange"}');
  const cut = whole.indexOf(0xa8); // inside the two bytes of è
  const chunks = [whole.subarray(0, cut), whole.subarray(cut)];
  assert.equal(decodeChunks(chunks), '{"title":"Problème d’accès à Exchange"}');
  assert.equal(decodeChunks(chunks), await new Response(whole).text());
  assert.equal(decodeChunks([whole]), await new Response(whole).text());
  assert.equal(decodeChunks([]), '');
});

test('decodeChunks turns a sequence cut off at the end into U+FFFD and starts the next body clean', () => {
  const euro = bytes('€');
  assert.equal(decodeChunks([bytes('a'), euro.subarray(0, 2)]), 'a\uFFFD');
  assert.equal(decodeChunks([bytes('b'), bytes('c')]), 'bc');
});

test('readGraphBody keeps the chunks as they came and refuses a body past the limit', async () => {
  const parts = [bytes('{"value":'), bytes('[1,2,3]}')];
  const chunks = await readGraphBody(chunkedResponse(parts));
  assert.equal(decodeChunks(chunks), '{"value":[1,2,3]}');
  await assert.rejects(readGraphBody(chunkedResponse([bytes('x'.repeat(40)), bytes('y'.repeat(40))]), 64), {
    code: 'GRAPH_BAD_RESPONSE',
    message: /exceeds the 64-byte limit/,
  });
  await assert.rejects(readGraphBody(new Response('z'.repeat(100), { headers: { 'content-length': '100' } }), 64), {
    message: /response of 100 bytes exceeds the 64-byte limit/,
  });
  assert.deepEqual(await readGraphBody(new Response(null)), []);
});
