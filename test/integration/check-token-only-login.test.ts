import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runPluginCommand } from '../../src/cli/check.ts';
import { CERTIFICATES } from './auth-harness.ts';
import { captureIo } from '../helpers/capture-io.ts';

const CLIENT = '22222222-2222-2222-2222-222222222222';
const SECRET = 'a-secret~with/slashes=';
const FEDERATED_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtb25pdG9yaW5nIn0.c2lnbmF0dXJl';
const HEALTH = '/v1.0/admin/serviceAnnouncement/healthOverviews';

/** One Graph answer: Exchange healthy, Teams degraded by an open incident. */
const GRAPH_ANSWER = {
  value: [
    { id: 'Exchange', service: 'Exchange Online', status: 'serviceOperational', issues: [] },
    {
      id: 'microsoftteams',
      service: 'Microsoft Teams',
      status: 'serviceDegradation',
      issues: [
        {
          id: 'TM1',
          title: 'Calls drop',
          classification: 'incident',
          status: 'serviceDegradation',
          startDateTime: '2025-09-30T07:15:00Z',
          isResolved: false,
        },
      ],
    },
  ],
};

/** What the Centreon plugin prints first for {@link GRAPH_ANSWER}, with its default thresholds. */
const CENTREON_FIRST_LINE =
  "CRITICAL: Service 'Microsoft Teams' status is 'serviceDegradation' [issue: incident, TM1, 2025-09-30T07:15:00Z, Calls drop]";

/** What the token endpoint received, as it checks it. */
interface TokenRequest {
  readonly path: string;
  readonly form: URLSearchParams;
}

/**
 * A login endpoint as bare as Centreon users' test rigs: `POST /{tenant}/oauth2/v2.0/token` and nothing else (404
 * for discovery and any other path), beside Graph's health overviews. It answers its token as `text/plain`, as some
 * proxies relabel Entra's JSON, and checks the form each credential must send.
 */
async function startTokenOnlyServer() {
  const tokens: TokenRequest[] = [];
  const other: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
        tokens.push({ path, form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void response.end(
          JSON.stringify({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'tok' }),
        );
      }
      if (request.method === 'GET' && path.startsWith(`${HEALTH}?`) && request.headers.authorization === 'Bearer tok') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify(GRAPH_ANSWER));
      }
      other.push(`${request.method} ${path}`);
      response.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokens,
    other,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('check against a login endpoint that serves only the token endpoint', () => {
  let server: Awaited<ReturnType<typeof startTokenOnlyServer>>;
  let dir: string;
  before(async () => {
    server = await startTokenOnlyServer();
    dir = await mkdtemp(join(tmpdir(), 'm365-token-only-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function check(tenant: string, credential: string[]) {
    const { io, stdout, stderr } = captureIo(dir);
    const argv = [
      `--tenant=${tenant}`,
      `--client-id=${CLIENT}`,
      ...credential,
      `--login-endpoint=${server.url}`,
      `--graph-endpoint=${server.url}`,
      '--statefile-dir=',
    ];
    const code = await runPluginCommand(argv, io, 'service-status', { sharedStatefileDirs: [] });
    const since = server.tokens.length - 1;
    return { code, firstLine: stdout().split('\n')[0], stderr: stderr(), token: server.tokens[since] };
  }

  test("a client secret: Centreon's first line, one token request in Centreon's form", async () => {
    const before = server.tokens.length;
    const result = await check('contoso.onmicrosoft.com', [`--client-secret=${SECRET}`]);
    assert.deepEqual([result.code, result.firstLine, result.stderr], [2, CENTREON_FIRST_LINE, '']);
    assert.equal(server.tokens.length, before + 1);
    assert.equal(result.token.path, '/contoso.onmicrosoft.com/oauth2/v2.0/token');
    assert.deepEqual(Object.fromEntries(result.token.form), {
      grant_type: 'client_credentials',
      client_id: CLIENT,
      client_secret: SECRET,
      scope: `${server.url}/.default`,
    });
  });

  test('a certificate: the assertion is for that token endpoint', async () => {
    const result = await check('11111111-1111-1111-1111-111111111111', [`--certificate=${CERTIFICATES}client.pem`]);
    assert.deepEqual([result.code, result.firstLine], [2, CENTREON_FIRST_LINE]);
    const { form } = result.token;
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const claims = claimsOf(form.get('client_assertion')!);
    assert.deepEqual(
      [claims['aud'], claims['iss'], claims['sub']],
      [`${server.url}/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token`, CLIENT, CLIENT],
    );
  });

  test('a federated token: sent as the assertion, as read from its file', async () => {
    const file = join(dir, 'federated-token');
    await writeFile(file, `${FEDERATED_TOKEN}\n`);
    const result = await check('contoso.onmicrosoft.com', [`--federated-token-file=${file}`]);
    assert.deepEqual([result.code, result.firstLine], [2, CENTREON_FIRST_LINE]);
    assert.equal(result.token.form.get('client_assertion'), FEDERATED_TOKEN);
  });

  test('a tenant named neither by GUID nor by domain is passed through, with a warning on stderr', async () => {
    const result = await check('lab-tenant', [`--client-secret=${SECRET}`]);
    assert.deepEqual([result.code, result.firstLine], [2, CENTREON_FIRST_LINE]);
    assert.equal(result.token.path, '/lab-tenant/oauth2/v2.0/token');
    assert.equal(
      result.stderr,
      "warning: --tenant 'lab-tenant' is neither a GUID nor a domain name: the login endpoint decides whether it knows it\n",
    );
  });

  test('no discovery, nor any other request, was ever made', () => {
    assert.deepEqual(server.other, []);
  });
});
