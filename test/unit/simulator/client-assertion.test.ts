import assert from 'node:assert/strict';
import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseScenario, type Simulator } from '../../../src/simulator/index.ts';
import { createTestIssuer, signJwt } from '../../helpers/jwt-signer.ts';
import { fakeClock, startFromYaml } from './sim-helpers.ts';

const TENANT = '11111111-1111-1111-1111-111111111111';
const APP = '22222222-2222-2222-2222-222222222222';
const FEDERATED_APP = '33333333-3333-3333-3333-333333333333';
const CERTIFICATES = new URL('../../fixtures/certificates/', import.meta.url);
const CLIENT_PEM = readFileSync(new URL('client.pem', CERTIFICATES), 'utf8');
const KEY = createPrivateKey(CLIENT_PEM);
const OTHER_KEY = createPrivateKey(readFileSync(new URL('other.pem', CERTIFICATES), 'utf8'));
const DER = new X509Certificate(CLIENT_PEM).raw;
const X5T = createHash('sha1').update(DER).digest('base64url');
const X5T_S256 = createHash('sha256').update(DER).digest('base64url');
const GITHUB = createTestIssuer('https://token.actions.githubusercontent.com');
const SUBJECT = 'repo:contoso/monitoring:environment:prod';

const SCENARIO = `
tenants:
  - name: contoso
    tenant_id: ${TENANT}
    domain: contoso.onmicrosoft.com
    clients:
      - client_id: ${APP}
        certificate: ${new URL('client-cert.pem', CERTIFICATES).pathname}
      - client_id: ${FEDERATED_APP}
        federated:
          issuer: ${GITHUB.issuer}
          subject: '${SUBJECT}'
          jwks: ${JSON.stringify(GITHUB.jwks)}
      - { client_id: 44444444-4444-4444-4444-444444444444, client_secret: only-a-secret }
`;

describe('simulator: client assertions verified as Entra does', () => {
  let sim: Simulator;
  const clock = fakeClock();
  before(async () => (sim = await startFromYaml(SCENARIO, { clock: clock.now })));
  after(() => sim.close());

  const endpoint = () => `${sim.url}/${TENANT}/oauth2/v2.0/token`;
  const now = () => Math.floor(clock.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    aud: endpoint(),
    iss: APP,
    sub: APP,
    jti: randomUUID(),
    nbf: now(),
    iat: now(),
    exp: now() + 300,
    ...overrides,
  });
  const header = (overrides: Record<string, unknown> = {}) => ({
    alg: 'PS256',
    typ: 'JWT',
    x5t: X5T,
    'x5t#S256': X5T_S256,
    ...overrides,
  });

  async function post(assertion: string, clientId = APP, fields: Record<string, string> = {}, path = `/${TENANT}`) {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: 'https://graph.microsoft.com/.default',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      ...fields,
    });
    const res = await fetch(`${sim.url}${path}/oauth2/v2.0/token`, { method: 'POST', body });
    const json = (await res.json()) as { error?: string; error_codes?: number[]; access_token?: string };
    return { status: res.status, error: json.error, code: json.error_codes?.[0], token: json.access_token };
  }

  test('a certificate assertion with both thumbprints, PS256 or RS256, gets a token and is recorded', async () => {
    const jti = randomUUID();
    assert.equal((await post(signJwt(KEY, header(), claims({ jti })))).status, 200);
    assert.deepEqual(sim.assertions.at(-1), {
      time: clock.now(),
      clientId: APP,
      kind: 'certificate',
      jti,
      subject: APP,
      algorithm: 'PS256',
    });
    assert.equal(
      (await post(signJwt(KEY, header({ alg: 'RS256', 'x5t#S256': undefined }), claims()))).status,
      200,
      'x5t alone',
    );
    assert.equal((await post(signJwt(KEY, header({ x5t: undefined }), claims()))).status, 200, 'x5t#S256 alone');
    const byDomain = `${sim.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`;
    assert.equal(
      (await post(signJwt(KEY, header(), claims({ aud: byDomain })), APP, {}, '/contoso.onmicrosoft.com')).status,
      200,
    );
  });

  test('each departure from what Entra requires has its AADSTS code', async () => {
    const cases: [string, string, { status: number; code: number }][] = [
      ['no typ', signJwt(KEY, header({ typ: undefined }), claims()), { status: 400, code: 50027 }],
      ['aud as an array', signJwt(KEY, header(), claims({ aud: [endpoint()] })), { status: 400, code: 50027 }],
      [
        'aud the issuer',
        signJwt(KEY, header(), claims({ aud: `${sim.url}/${TENANT}/v2.0` })),
        { status: 401, code: 50012 },
      ],
      [
        'sub another app',
        signJwt(KEY, header(), claims({ sub: '99999999-9999-9999-9999-999999999999' })),
        { status: 401, code: 700021 },
      ],
      [
        'expired',
        signJwt(KEY, header(), claims({ exp: now() - 600, nbf: now() - 900 })),
        { status: 401, code: 700024 },
      ],
      [
        'not yet valid',
        signJwt(KEY, header(), claims({ nbf: now() + 900, exp: now() + 1200 })),
        { status: 401, code: 700024 },
      ],
      ['no exp', signJwt(KEY, header(), claims({ exp: undefined })), { status: 400, code: 50027 }],
      [
        'thumbprint of another certificate',
        signJwt(KEY, header({ x5t: 'AAAA' }), claims()),
        { status: 401, code: 700027 },
      ],
      [
        'no thumbprint',
        signJwt(KEY, header({ x5t: undefined, 'x5t#S256': undefined }), claims()),
        { status: 401, code: 700027 },
      ],
      ['signed by another key', signJwt(OTHER_KEY, header(), claims()), { status: 401, code: 700027 }],
      ['no jti', signJwt(KEY, header(), claims({ jti: undefined })), { status: 400, code: 50027 }],
      ['not a JWT', 'not-a-jwt', { status: 400, code: 50027 }],
    ];
    for (const [name, assertion, expected] of cases) {
      const { status, code } = await post(assertion);
      assert.deepEqual({ status, code }, expected, name);
    }
    const wrongType = await post(signJwt(KEY, header(), claims()), APP, { client_assertion_type: 'urn:x' });
    assert.equal(wrongType.code, 50027);
  });

  test('a jti is accepted once', async () => {
    const assertion = signJwt(KEY, header(), claims());
    assert.equal((await post(assertion)).status, 200);
    assert.deepEqual(await post(assertion).then((r) => [r.status, r.code]), [401, 50027]);
  });

  test('an app with no certificate registered: AADSTS700027', async () => {
    const assertion = signJwt(
      KEY,
      header(),
      claims({ iss: '44444444-4444-4444-4444-444444444444', sub: '44444444-4444-4444-4444-444444444444' }),
    );
    assert.deepEqual(await post(assertion, '44444444-4444-4444-4444-444444444444').then((r) => r.code), 700027);
  });

  test("a federated token: the app's issuer, subject and audience, a valid time and the issuer's signature", async () => {
    const ok = await post(GITHUB.token(SUBJECT, clock.now()), FEDERATED_APP);
    assert.equal(ok.status, 200);
    assert.equal(sim.assertions.at(-1)?.kind, 'federated');
    const other = createTestIssuer(GITHUB.issuer);
    const cases: [string, string, number][] = [
      ['issuer', GITHUB.token(SUBJECT, clock.now(), { iss: 'https://gitlab.example.com' }), 700211],
      ['subject (case-sensitive)', GITHUB.token(SUBJECT.toUpperCase(), clock.now()), 700213],
      ['audience', GITHUB.token(SUBJECT, clock.now(), { aud: 'api://other' }), 700212],
      ['expired', GITHUB.token(SUBJECT, clock.now() - 7_200_000), 700024],
      ['signature', other.token(SUBJECT, clock.now()), 50027],
    ];
    for (const [name, token, code] of cases) assert.equal((await post(token, FEDERATED_APP)).code, code, name);
    assert.equal((await post(GITHUB.token(SUBJECT, clock.now()), '44444444-4444-4444-4444-444444444444')).code, 70021);
  });

  test('scenario validation: a client needs a credential; certificates and key sets must parse', () => {
    const invalid = (client: string) => () =>
      parseScenario(`tenants:\n  - name: c\n    tenant_id: ${TENANT}\n    clients:\n      - ${client}\n`, 'test.yaml');
    assert.throws(
      invalid(`{ client_id: ${APP} }`),
      /tenants\[0\]\.clients\[0\] \(line 5\): expected at least one credential: client_secret, certificate or federated/,
    );
    assert.throws(
      invalid(`{ client_id: ${APP}, certificate: 'not a pem' }`),
      /clients\[0\]\.certificate .*: cannot read .*not a pem: ENOENT/,
    );
    assert.throws(
      invalid(`{ client_id: ${APP}, certificate: '-----BEGIN CERTIFICATE-----x-----END CERTIFICATE-----' }`),
      /expected a PEM certificate/,
    );
    assert.throws(
      invalid(`{ client_id: ${APP}, federated: { issuer: i, subject: s, jwks: { keys: [] } } }`),
      /federated\.jwks .*: expected a JSON Web Key Set/,
    );
  });
});
