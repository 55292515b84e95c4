import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTenantInUrl, isEntraTenantName } from '../../../src/auth/token-endpoint.ts';
import { createEntraTokenProvider } from '../../../src/auth/token-provider.ts';
import { Secret } from '../../../src/shared/secret.ts';

const GUID = '11111111-1111-1111-1111-111111111111';

/** A login endpoint that serves one answer at any URL, recording the URLs asked. */
function answering(
  body: string,
  status: number,
  type: string,
  login = 'https://login.example',
  tenantId = 'contoso.onmicrosoft.com',
) {
  const urls: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return new Response(body, { status, headers: { 'content-type': type } });
  }) as typeof globalThis.fetch;
  const tokens = createEntraTokenProvider({
    tenantId,
    clientId: '22222222-2222-2222-2222-222222222222',
    credential: { kind: 'secret', secret: new Secret('s3cret') },
    endpoints: { login, graph: 'https://graph.microsoft.com' },
    fetch,
    clock: Date.now,
    timeoutMs: 5000,
    sleep: async () => undefined,
    random: () => 0.5,
  });
  return { tokens, urls };
}

/** The URL a token is asked for at, for a login endpoint and a tenant. */
async function endpointOf(login: string, tenantId: string): Promise<string> {
  const { tokens, urls } = answering(
    '{"token_type":"Bearer","expires_in":3599,"access_token":"t"}',
    200,
    'application/json',
    login,
    tenantId,
  );
  await tokens.getToken();
  return urls[0];
}

describe('the token endpoint, as Entra documents it: no discovery', () => {
  test('{login}/{tenant}/oauth2/v2.0/token for every cloud, a login URL with a path, and any tenant form', async () => {
    assert.equal(
      await endpointOf('https://login.microsoftonline.us', 'contoso.onmicrosoft.us'),
      'https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token',
    );
    assert.equal(
      await endpointOf('https://login.chinacloudapi.cn', GUID),
      `https://login.chinacloudapi.cn/${GUID}/oauth2/v2.0/token`,
    );
    assert.equal(
      await endpointOf('http://127.0.0.1:8080/entra', 'lab-tenant_1'),
      'http://127.0.0.1:8080/entra/lab-tenant_1/oauth2/v2.0/token',
    );
  });

  test('a tenant that would address another URL is refused, naming where it came from', () => {
    for (const tenant of ['a/b', 'a?b', 'a#b', 'a b', '', '.', '..', '%2e%2E', 'a%zz', 'tab\t']) {
      assert.throws(() => checkTenantInUrl(tenant, '--tenant'), {
        code: 'CONFIG_INVALID',
        message: `--tenant '${tenant}' cannot be put in the login endpoint's URL path: it would address another URL than the tenant's token endpoint (a tenant is a GUID or a domain name, without /, ?, #, spaces or . segments)`,
      });
    }
    for (const tenant of [GUID, 'contoso.com', 'common', 'lab_1', 'a%20b', 'contoso.例え.jp', 'x:y@z']) {
      assert.doesNotThrow(() => checkTenantInUrl(tenant, '--tenant'), tenant);
    }
  });

  test('GUIDs and domain names are what Entra knows; other names are left to the login endpoint', () => {
    assert.deepEqual(
      [GUID.toUpperCase(), 'contoso.onmicrosoft.com', 'common', 'lab_1', 'localhost'].map(isEntraTenantName),
      [true, true, false, false, false],
    );
  });

  test("Entra's JSON is read whatever content type a proxy gives it: a token, and an error with its hint", async () => {
    const relabelled = answering('{"token_type":"Bearer","expires_in":3599,"access_token":"abc"}', 200, 'text/plain');
    assert.equal((await relabelled.tokens.getToken()).value, 'abc');
    assert.deepEqual(relabelled.urls, ['https://login.example/contoso.onmicrosoft.com/oauth2/v2.0/token']);
    const refused = answering('{"error":"invalid_client","error_codes":[7000215]}', 401, 'text/html');
    await assert.rejects(refused.tokens.getToken(), {
      code: 'AUTH_INVALID_SECRET',
      message: "invalid client secret: use the secret's Value, not its Secret ID (invalid_client, AADSTS7000215)",
    });
    const busy = answering('{"error":"temporarily_unavailable","error_codes":[50196]}', 503, 'text/html');
    await assert.rejects(busy.tokens.getToken(), {
      code: 'AUTH_UNAVAILABLE',
      message: 'token request refused (temporarily_unavailable, AADSTS50196)',
    });
  });

  test('an answer that is not a token: an HTML page, an error page, JSON without access_token', async () => {
    await assert.rejects(answering('<html>Wi-Fi sign-in</html>', 200, 'text/html').tokens.getToken(), {
      code: 'AUTH_UNAVAILABLE',
      message: 'identity platform answered unexpectedly: unexpected response content-type',
    });
    await assert.rejects(answering('<html>Not Found</html>', 404, 'text/html').tokens.getToken(), {
      code: 'AUTH_FAILED',
      message: 'identity platform answered HTTP 404 without an OAuth error: check the login endpoint and any proxy',
    });
    await assert.rejects(answering('{"token_type":"Bearer"}', 200, 'application/json').tokens.getToken(), {
      code: 'AUTH_UNAVAILABLE',
      message: 'identity platform answered unexpectedly: invalid response encountered',
    });
  });
});
