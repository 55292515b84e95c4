import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Provider from 'oidc-provider';
import { readClientCertificate } from '../../src/certificate/read-client-certificate.ts';
import { createEntraTokenProvider } from '../../src/auth/token-provider.ts';
import type { ClientCredential } from '../../src/auth/client-auth.ts';
import { Secret } from '../../src/shared/secret.ts';
import { CERTIFICATES, PASSWORD } from './auth-harness.ts';

const GUID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SECRET_APP = 'aaaaaaaa-0000-4000-8000-000000000001';
const CERT_APP = 'aaaaaaaa-0000-4000-8000-000000000002';
const SECRET = 'an-independent-secret-value';
const GRAPH = 'https://graph.microsoft.com';

const password = new Secret(PASSWORD);

/** The certificate of the app, as the issuer registers its public part. */
const certificate = (() => {
  const reading = readClientCertificate({
    bytes: readFileSync(`${CERTIFICATES}client.pfx`),
    password: PASSWORD,
    now: Date.now(),
  });
  if (!reading.ok) throw new Error(reading.message);
  return reading.certificate;
})();

/**
 * panva's oidc-provider, a certified OpenID provider written apart from this project, run in-process and mounted where
 * Entra puts a tenant (`/{GUID}`, its token endpoint at `/oauth2/v2.0/token` as in Entra): its checks of
 * client_secret_post and private_key_jwt stand between the client and a simulator written with the same
 * understanding as the client. Its discovery is served too, and never asked for.
 */
function createIssuer(issuer: string): Provider {
  const client = { grant_types: ['client_credentials'], redirect_uris: [], response_types: [] };
  const publicJwk = { ...new X509Certificate(certificate.pem).publicKey.export({ format: 'jwk' }), use: 'sig' };
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return new Provider(issuer, {
    routes: { token: '/oauth2/v2.0/token' },
    jwks: { keys: [{ ...signingKey, kid: 'issuer-key', use: 'sig' }] },
    ttl: { ClientCredentials: 3599 },
    clients: [
      { ...client, client_id: SECRET_APP, client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post' },
      { ...client, client_id: CERT_APP, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => GRAPH,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: `${GRAPH}/.default`,
          audience: GRAPH,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3599,
        }),
      },
    },
  });
}

describe('an independent, standards-conformant issuer (oidc-provider) issues tokens to the agent', () => {
  let server: Server;
  let login = '';
  const refusals: string[] = [];
  const requests: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const prefix = `/${GUID}`;
      if (!req.url?.startsWith(prefix)) return void res.writeHead(404).end();
      Object.assign(req, { originalUrl: req.url });
      req.url = req.url.slice(prefix.length) || '/';
      handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    login = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The issuer names the server's port, so it exists only once the server listens; no request comes before.
    const provider = createIssuer(`${login}/${GUID}/v2.0`);
    provider.on('grant.error', (_ctx, error) => refusals.push(String((error as Error).message)));
    const handle = provider.callback();
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const tokenFor = (clientId: string, credential: ClientCredential) =>
    createEntraTokenProvider({
      tenantId: GUID,
      clientId,
      credential,
      endpoints: { login, graph: GRAPH },
      fetch,
      clock: Date.now,
      timeoutMs: 5000,
    }).getToken();

  function claimsOf(jwt: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  }

  test('client_secret_post', async () => {
    const token = await tokenFor(SECRET_APP, { kind: 'secret', secret: new Secret(SECRET) });
    const claims = claimsOf(token.value);
    assert.deepEqual(
      [claims['client_id'], claims['aud'], claims['scope'], claims['iss']],
      [SECRET_APP, GRAPH, `${GRAPH}/.default`, `${login}/${GUID}/v2.0`],
    );
    assert.ok(Math.abs(token.expiresAt - (Date.now() + 3_599_000)) < 5000);
  });

  test('private_key_jwt with the certificate, PS256 and RS256', async () => {
    for (const algorithm of ['PS256', 'RS256'] as const) {
      const credential = { kind: 'certificate', path: `${CERTIFICATES}client.pfx`, password, algorithm } as const;
      const token = await tokenFor(CERT_APP, credential);
      assert.equal(claimsOf(token.value)['client_id'], CERT_APP, algorithm);
    }
    assert.deepEqual(refusals, []);
  });

  test('a wrong secret and a key the issuer does not know are refused by it', async () => {
    await assert.rejects(tokenFor(SECRET_APP, { kind: 'secret', secret: new Secret('not-it') }), {
      code: 'AUTH_FAILED',
      message: 'token request refused (invalid_client)',
    });
    const other = {
      kind: 'certificate',
      path: `${CERTIFICATES}other.pem`,
      password: undefined,
      algorithm: 'PS256',
    } as const;
    await assert.rejects(tokenFor(CERT_APP, other), { code: 'AUTH_FAILED' });
    assert.ok(requests.length > 0);
    assert.deepEqual(
      requests.filter((r) => r !== `POST /${GUID}/oauth2/v2.0/token`),
      [],
      'one request per token, to the token endpoint Entra documents',
    );
  });
});
