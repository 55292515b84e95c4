import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  allowInsecureRequests,
  ClientSecretBasic,
  clientCredentialsGrant,
  discovery,
  ResponseBodyError,
  type Configuration,
} from 'openid-client';
import type { Simulator } from '../../../src/simulator/index.ts';
import { CONTOSO, CONTOSO_APP, CONTOSO_SECRET, fakeClock, startFromYaml, TWO_TENANTS } from './sim-helpers.ts';

const insecure = { execute: [allowInsecureRequests] };

describe('simulator identity endpoints', () => {
  let sim: Simulator;
  const clock = fakeClock();
  before(async () => (sim = await startFromYaml(TWO_TENANTS, { clock: clock.now })));
  after(() => sim.close());

  const discover = (clientId = CONTOSO_APP, secret = CONTOSO_SECRET, tenant = CONTOSO): Promise<Configuration> =>
    discovery(new URL(`${sim.url}/${tenant}/v2.0`), clientId, secret, undefined, insecure);

  async function tokenError(
    clientId: string,
    secret: string,
    scope = `${sim.url}/.default`,
  ): Promise<ResponseBodyError> {
    const config = await discover(clientId, secret);
    const error = await clientCredentialsGrant(config, { scope }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ResponseBodyError, `expected a ResponseBodyError, got ${String(error)}`);
    return error;
  }

  test('openid-client discovers the tenant and gets a token with client_secret_post', async () => {
    const config = await discover();
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, `${sim.url}/${CONTOSO}/v2.0`);
    assert.equal(metadata.token_endpoint, `${sim.url}/${CONTOSO}/oauth2/v2.0/token`);
    assert.equal(metadata.jwks_uri, `${sim.url}/${CONTOSO}/discovery/v2.0/keys`);
    const tokens = await clientCredentialsGrant(config, { scope: `${sim.url}/.default` });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 60);
    assert.match(tokens.access_token, /^[A-Za-z0-9_-]{40,}$/);
  });

  test('HTTP Basic client authentication works too', async () => {
    const config = await discovery(
      new URL(`${sim.url}/${CONTOSO}/v2.0`),
      CONTOSO_APP,
      undefined,
      ClientSecretBasic(CONTOSO_SECRET),
      insecure,
    );
    const tokens = await clientCredentialsGrant(config, { scope: 'https://graph.microsoft.com/.default' });
    assert.equal(tokens.expires_in, 60);
  });

  test('the raw token answer has the Entra fields', async () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CONTOSO_APP,
      client_secret: CONTOSO_SECRET,
      scope: `${sim.url}/.default`,
    });
    const res = await fetch(`${sim.url}/${CONTOSO}/oauth2/v2.0/token`, { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store, no-cache');
    const json = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    assert.equal(json['token_type'], 'Bearer');
    assert.equal(json['ext_expires_in'], 60);
  });

  test('discovery by domain alias answers the GUID issuer, as Entra does, so openid-client rejects it off Entra hosts', async () => {
    const res = await fetch(`${sim.url}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const metadata = (await res.json()) as Record<string, string>;
    assert.equal(metadata['issuer'], `${sim.url}/${CONTOSO}/v2.0`);
    assert.equal(metadata['token_endpoint'], `${sim.url}/${CONTOSO}/oauth2/v2.0/token`);
    await assert.rejects(discover(CONTOSO_APP, CONTOSO_SECRET, 'contoso.onmicrosoft.com'), /issuer does not match/);
  });

  test('the issuer follows the host the client used (localhost vs 127.0.0.1)', async () => {
    const port = new URL(sim.url).port;
    const config = await discovery(
      new URL(`http://localhost:${port}/${CONTOSO}/v2.0`),
      CONTOSO_APP,
      CONTOSO_SECRET,
      undefined,
      insecure,
    );
    assert.equal(config.serverMetadata().issuer, `http://localhost:${port}/${CONTOSO}/v2.0`);
  });

  test('unknown tenant: discovery answers 400 invalid_tenant AADSTS90002', async () => {
    const res = await fetch(`${sim.url}/99999999-9999-9999-9999-999999999999/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['error'], 'invalid_tenant');
    assert.deepEqual(body['error_codes'], [90002]);
    assert.match(
      String(body['error_description']),
      /^AADSTS90002: Tenant '99999999-9999-9999-9999-999999999999' not found\./,
    );
    assert.match(String(body['timestamp']), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    for (const key of ['trace_id', 'correlation_id']) assert.match(String(body[key]), /^[0-9a-f-]{36}$/);
    assert.equal(body['error_uri'], 'https://login.microsoftonline.com/error?code=90002');
    await assert.rejects(discover(CONTOSO_APP, CONTOSO_SECRET, '99999999-9999-9999-9999-999999999999'), {
      code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    });
  });

  test('unknown tenant at the token endpoint and a malformed tenant identifier', async () => {
    const unknown = await fetch(`${sim.url}/nowhere.onmicrosoft.com/oauth2/v2.0/token`, { method: 'POST', body: '' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(((await unknown.json()) as { error_codes: number[] }).error_codes, [90002]);
    const malformed = await fetch(`${sim.url}/not_a_tenant/oauth2/v2.0/token`, { method: 'POST', body: '' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(((await malformed.json()) as { error_codes: number[] }).error_codes, [900023]);
  });

  test('wrong secret: 401 invalid_client AADSTS7000215', async () => {
    const error = await tokenError(CONTOSO_APP, 'not-the-secret');
    assert.equal(error.status, 401);
    assert.equal(error.error, 'invalid_client');
    assert.match(error.error_description ?? '', /^AADSTS7000215: Invalid client secret provided\./);
    assert.deepEqual(error.cause['error_codes'], [7000215]);
    for (const key of ['timestamp', 'trace_id', 'correlation_id', 'error_uri'])
      assert.equal(typeof error.cause[key], 'string');
  });

  test('expired secret: 401 invalid_client AADSTS7000222', async () => {
    const error = await tokenError('77777777-7777-7777-7777-777777777777', 'old-secret');
    assert.equal(error.status, 401);
    assert.equal(error.error, 'invalid_client');
    assert.deepEqual(error.cause['error_codes'], [7000222]);
  });

  test('unknown client: 400 unauthorized_client AADSTS700016', async () => {
    const error = await tokenError('88888888-8888-8888-8888-888888888888', 'whatever');
    assert.equal(error.status, 400);
    assert.equal(error.error, 'unauthorized_client');
    assert.match(
      error.error_description ?? '',
      /^AADSTS700016: Application with identifier '88888888-8888-8888-8888-888888888888' was not found in the directory 'contoso'\./,
    );
  });

  test('bad scopes: 400 invalid_scope AADSTS70011, unknown resource AADSTS500011', async () => {
    const noDefault = await tokenError(CONTOSO_APP, CONTOSO_SECRET, `${sim.url}/ServiceHealth.Read.All`);
    assert.equal(noDefault.status, 400);
    assert.equal(noDefault.error, 'invalid_scope');
    assert.deepEqual(noDefault.cause['error_codes'], [70011]);
    const two = await tokenError(
      CONTOSO_APP,
      CONTOSO_SECRET,
      `${sim.url}/.default https://graph.microsoft.com/.default`,
    );
    assert.deepEqual(two.cause['error_codes'], [70011]);
    const elsewhere = await tokenError(CONTOSO_APP, CONTOSO_SECRET, 'https://management.azure.com/.default');
    assert.equal(elsewhere.error, 'invalid_resource');
    assert.deepEqual(elsewhere.cause['error_codes'], [500011]);
  });

  test('bad grants and missing parameters', async () => {
    const post = (fields: Record<string, string>) =>
      fetch(`${sim.url}/${CONTOSO}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(fields) }).then(
        async (r) => ({
          status: r.status,
          body: (await r.json()) as { error: string; error_codes: number[] },
        }),
      );
    const password = await post({ grant_type: 'password', client_id: CONTOSO_APP });
    assert.deepEqual(
      [password.status, password.body.error, password.body.error_codes],
      [400, 'unsupported_grant_type', [70003]],
    );
    const noGrant = await post({ client_id: CONTOSO_APP });
    assert.deepEqual(
      [noGrant.status, noGrant.body.error, noGrant.body.error_codes],
      [400, 'invalid_request', [900144]],
    );
    const noSecret = await post({
      grant_type: 'client_credentials',
      client_id: CONTOSO_APP,
      scope: `${sim.url}/.default`,
    });
    assert.deepEqual(
      [noSecret.status, noSecret.body.error, noSecret.body.error_codes],
      [401, 'invalid_client', [7000218]],
    );
    const get = await fetch(`${sim.url}/${CONTOSO}/oauth2/v2.0/token`);
    assert.equal(get.status, 400);
  });

  test('the request log names tenants and never holds a secret', async () => {
    await discover().then((config) => clientCredentialsGrant(config, { scope: `${sim.url}/.default` }));
    const token = sim.requests.findLast((r) => r.path.endsWith('/oauth2/v2.0/token'));
    assert.deepEqual(
      { method: token?.method, tenant: token?.tenant, status: token?.status },
      { method: 'POST', tenant: 'contoso', status: 200 },
    );
    assert.ok(!JSON.stringify(sim.requests).includes(CONTOSO_SECRET));
    assert.ok(!JSON.stringify(sim.requests).includes('not-the-secret'));
  });
});
