import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readGraphBody } from '../../../src/graph/graph-client.ts';
import { decodeChunks } from '../../../src/net/read-body.ts';
import { createHttpClient, resolveProxySettings } from '../../../src/net/http-fetch.ts';
import { hideUrlCredentials } from '../../../src/shared/hide-url-credentials.ts';
import { startConnectRecorder } from '../../helpers/connect-recorder.ts';

describe('proxy settings', () => {
  test('an explicit proxy wins for both schemes; else the environment, lower case first, https falling back to http', () => {
    const env = {
      HTTPS_PROXY: 'http://env-https:3128',
      http_proxy: 'http://env-http:3128',
      HTTP_PROXY: 'http://ignored:1',
      NO_PROXY: '.internal',
    };
    assert.deepEqual(resolveProxySettings({ proxy: 'http://explicit:8080', env }), {
      httpProxy: 'http://explicit:8080',
      httpsProxy: 'http://explicit:8080',
      noProxy: '.internal',
    });
    assert.deepEqual(resolveProxySettings({ env }), {
      httpProxy: 'http://env-http:3128',
      httpsProxy: 'http://env-https:3128',
      noProxy: '.internal',
    });
    assert.deepEqual(resolveProxySettings({ noProxy: 'localhost', env: { HTTP_PROXY: 'http://p:1' } }), {
      httpProxy: 'http://p:1',
      httpsProxy: 'http://p:1',
      noProxy: 'localhost',
    });
    assert.deepEqual(resolveProxySettings({ env: {} }), { httpProxy: '', httpsProxy: '', noProxy: '' });
  });

  test('credentials in proxy URLs are never shown', () => {
    assert.equal(
      hideUrlCredentials('via http://monitor:Pa55%40word@proxy:3128 and https://tok@p2/'),
      'via http://***@proxy:3128 and https://***@p2/',
    );
  });
});

describe('createHttpClient', () => {
  test('https goes through CONNECT with the proxy credentials; the failure message never quotes them', async () => {
    const proxy = await startConnectRecorder();
    const client = createHttpClient({ env: {}, proxy: proxy.url.replace('http://', 'http://monitor:Pa55%40word@') });
    try {
      const error = await client.fetch('https://login.microsoftonline.us/x').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof Error);
      assert.deepEqual(
        proxy.attempts.map((a) => [a.method, a.target]),
        [['CONNECT', 'login.microsoftonline.us:443']],
      );
      assert.equal(proxy.attempts[0].authorization, `Basic ${Buffer.from('monitor:Pa55@word').toString('base64')}`);
      const text = `${error.message} ${String((error as { cause?: Error }).cause?.message)}`;
      assert.ok(!/Pa55/.test(text), text);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('NO_PROXY hosts go direct; without a proxy nothing reads process.env', async () => {
    const server = createServer((_req, res) => res.end('direct'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const proxy = await startConnectRecorder();
    const bypass = createHttpClient({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    const saved = process.env['HTTP_PROXY'];
    process.env['HTTP_PROXY'] = proxy.url;
    const direct = createHttpClient({ env: {} });
    try {
      assert.equal(await (await bypass.fetch(url)).text(), 'direct');
      assert.equal(await (await direct.fetch(url)).text(), 'direct');
      assert.deepEqual(proxy.attempts, []);
    } finally {
      if (saved === undefined) delete process.env['HTTP_PROXY'];
      else process.env['HTTP_PROXY'] = saved;
      await Promise.all([bypass.close(), direct.close(), proxy.close()]);
      server.close();
    }
  });

  test('ca_file adds a CA to the default ones; TLS is verified either way', async () => {
    const pem = readFileSync(new URL('../../fixtures/certificates/tls-server.pem', import.meta.url), 'utf8');
    const server = createTlsServer({ cert: pem, key: pem }, (_req, res) => res.end('trusted'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ca = readFileSync(new URL('../../fixtures/certificates/test-ca.pem', import.meta.url), 'utf8');
    const withCa = createHttpClient({ env: {}, ca });
    const without = createHttpClient({ env: {} });
    try {
      assert.equal(await (await withCa.fetch(url)).text(), 'trusted');
      const error = await without.fetch(url).then(
        () => undefined,
        (e: unknown) => e as Error & { cause?: { code?: string } },
      );
      assert.equal(error?.cause?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await Promise.all([withCa.close(), without.close()]);
      server.closeAllConnections();
      server.close();
    }
  });

  describe('get, the Graph reads', () => {
    async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
      const server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        url,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      };
    }
    const init = (signal = AbortSignal.timeout(5000)) => ({
      headers: { authorization: 'Bearer t', accept: 'application/json' },
      signal,
    });

    test('status, headers by any case (repeated ones joined), the body inflated when the server compressed it', async () => {
      const json = JSON.stringify({ value: 'é'.repeat(5000) });
      let seen: IncomingMessage['headers'] = {};
      const server = await serve((req, res) => {
        seen = req.headers;
        res.setHeader('x-values', ['a', 'b']);
        if (req.url === '/plain') return res.end(json);
        res.writeHead(203, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(gzipSync(json));
      });
      const client = createHttpClient({ env: {} });
      try {
        const answer = await client.get(`${server.url}/gzip`, init());
        assert.equal(answer.status, 203);
        assert.equal(answer.ok, true);
        assert.equal(answer.headers.get('Content-Type'), 'application/json');
        assert.equal(answer.headers.get('x-values'), 'a, b');
        assert.equal(answer.headers.get('x-absent'), null);
        assert.equal(decodeChunks(await readGraphBody(answer)), json);
        assert.equal(seen.authorization, 'Bearer t');
        assert.match(String(seen['accept-encoding']), /gzip/);
        assert.equal(decodeChunks(await readGraphBody(await client.get(`${server.url}/plain`, init()))), json);
      } finally {
        await client.close();
        server.close();
      }
    });

    test('a body left unread or too large is dropped, and the next read goes through', async () => {
      const server = await serve((req, res) => {
        if (req.url === '/big') return res.end('x'.repeat(200_000));
        res.writeHead(req.url === '/401' ? 401 : 200).end('{"error":{}}');
      });
      const client = createHttpClient({ env: {} });
      try {
        await (await client.get(`${server.url}/401`, init())).body?.cancel();
        assert.equal(decodeChunks(await readGraphBody(await client.get(`${server.url}/ok`, init()))), '{"error":{}}');
        await assert.rejects(readGraphBody(await client.get(`${server.url}/big`, init()), 100_000), {
          code: 'GRAPH_BAD_RESPONSE',
        });
        assert.equal((await client.get(`${server.url}/ok`, init())).status, 200);
      } finally {
        await client.close();
        server.close();
      }
    });

    test('released chunks give their memory back, and the connection they came over goes on reading whole answers', async () => {
      // Bodies of the size of a Graph answer, different each time, plain and compressed, over kept-alive connections.
      const body = (i: number) =>
        JSON.stringify({ i, value: Array.from({ length: 2500 }, (_, k) => `item-${i}-${k}`) });
      const sockets = new Set<unknown>();
      const server = await serve((req, res) => {
        sockets.add(req.socket);
        const i = Number(req.url!.split('/')[2]);
        if (req.url!.startsWith('/gzip/'))
          return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(body(i)));
        res.end(body(i));
      });
      const client = createHttpClient({ env: {} });
      try {
        let released = 0;
        for (let i = 0; i < 40; i++) {
          const answer = await client.get(`${server.url}/${i % 2 === 0 ? 'plain' : 'gzip'}/${i}`, init());
          const chunks = await readGraphBody(answer);
          const text = decodeChunks(chunks);
          assert.equal(text, body(i), `answer ${i}`);
          answer.release!(chunks);
          released += chunks.filter((chunk) => chunk.buffer.byteLength === 0).length;
        }
        // The plain answers' socket reads are freed; the inflated ones are cut from Node's pool, which is never detached.
        assert.ok(released >= 20, `buffers released: ${released}`);
        assert.ok(
          sockets.size <= 2,
          `connections kept alive and read again after the releases: ${sockets.size} for 40 answers`,
        );
        const pooled = Buffer.from('a small buffer, a slice of the pool');
        (await client.get(`${server.url}/plain/0`, init())).release!([pooled]);
        assert.equal(pooled.toString(), 'a small buffer, a slice of the pool');
        assert.equal(Buffer.from('another slice of the pool').toString(), 'another slice of the pool');
      } finally {
        await client.close();
        server.close();
      }
    });

    test("an abort, before the answer or within its body, rejects with the signal's reason; a refused connection as fetch does", async () => {
      const server = await serve((req, res) => {
        if (req.url === '/hang') return;
        res.writeHead(200, { 'content-length': '1000' }).write('x'.repeat(10));
      });
      const client = createHttpClient({ env: {} });
      try {
        await assert.rejects(client.get(`${server.url}/hang`, init(AbortSignal.timeout(50))), { name: 'TimeoutError' });
        const controller = new AbortController();
        const answer = await client.get(`${server.url}/partial`, init(controller.signal));
        setTimeout(() => controller.abort(), 20);
        await assert.rejects(readGraphBody(answer), { name: 'AbortError' });
        const refused = await client.get('http://127.0.0.1:9/', init()).then(
          () => undefined,
          (e: unknown) => e as TypeError & { cause?: { code?: string } },
        );
        assert.equal(refused?.message, 'fetch failed');
        assert.equal(refused?.cause?.code, 'ECONNREFUSED');
      } finally {
        await client.close();
        server.close();
      }
    });
  });
});
