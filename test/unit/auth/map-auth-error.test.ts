import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapOAuthErrorBody } from '../../../src/auth/map-auth-error.ts';
import { TRANSIENT_CODES } from '../../../src/errors.ts';

const answer = (error: string, code: number | undefined, status = 400) =>
  mapOAuthErrorBody(
    { error, status, body: { error, error_codes: code === undefined ? undefined : [code] } },
    undefined,
  );

test('each Entra error the agent meets says what to fix, and is a configuration error (backed off) or passing', () => {
  const cases: [string, number, string, string][] = [
    [
      'invalid_client',
      7000215,
      'AUTH_INVALID_SECRET',
      "invalid client secret: use the secret's Value, not its Secret ID",
    ],
    [
      'invalid_client',
      7000222,
      'AUTH_SECRET_EXPIRED',
      'the client secret has expired: create a new one in the app registration',
    ],
    [
      'unauthorized_client',
      700016,
      'AUTH_APP_NOT_FOUND',
      'application not found in the tenant: check client_id and tenant_id, and that the app is consented there',
    ],
    [
      'invalid_client',
      7000229,
      'AUTH_APP_NOT_FOUND',
      'the app has no service principal in this tenant: nobody consented to it there',
    ],
    [
      'invalid_tenant',
      90002,
      'AUTH_TENANT_NOT_FOUND',
      'tenant not found: check tenant_id and the cloud (global, usgov, usgovdod, china)',
    ],
    [
      'invalid_client',
      700027,
      'AUTH_CERTIFICATE_REJECTED',
      'the certificate is not registered on the app, or the assertion signature is invalid: upload the certificate (its public part) to the app registration',
    ],
    [
      'invalid_grant',
      53003,
      'AUTH_CONDITIONAL_ACCESS',
      'blocked by Conditional Access for workload identities: exclude this app or allow this location',
    ],
    [
      'invalid_request',
      700213,
      'AUTH_FAILED',
      "no federated credential matches the token's subject: add a federated credential to the app registration whose issuer, subject and audience (api://AzureADTokenExchange) match the token in the federated token file",
    ],
  ];
  for (const [error, code, expected, hint] of cases) {
    const mapped = answer(error, code);
    assert.deepEqual([mapped.code, mapped.message], [expected, `${hint} (${error}, AADSTS${code})`]);
    assert.equal(TRANSIENT_CODES.has(mapped.code), false, `${code} must back off, not retry`);
  }
});

test('temporarily_unavailable and 5xx are passing; anything else unknown is a refusal naming its code', () => {
  assert.equal(answer('temporarily_unavailable', 50196).code, 'AUTH_UNAVAILABLE');
  assert.equal(answer('server_error', undefined, 503).code, 'AUTH_UNAVAILABLE');
  assert.ok(TRANSIENT_CODES.has('AUTH_UNAVAILABLE'));
  const other = answer('invalid_scope', 70011);
  assert.deepEqual([other.code, other.message], ['AUTH_FAILED', 'token request refused (invalid_scope, AADSTS70011)']);
});
