import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientSecretPost } from 'openid-client';
import { discoverTenant } from '../../../src/auth/discover-tenant.ts';

const GUID = '11111111-1111-1111-1111-111111111111';
const OTHER = '99999999-9999-9999-9999-999999999999';

/** A fetch answering discovery with `document` (or `status` and `body`), recording the URLs asked. */
function answering(document: unknown, status = 200, type = 'application/json') {
  const urls: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return new Response(typeof document === 'string' ? document : JSON.stringify(document), {
      status,
      headers: { 'content-type': type },
    });
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

function discover(login: string, tenantId: string, fetch: typeof globalThis.fetch) {
  return discoverTenant({
    login,
    tenantId,
    clientId: 'app',
    createClientAuth: () => ClientSecretPost('x'),
    fetch,
    timeoutMs: 5000,
  });
}

const entra = (issuerHost: string, tokenHost = issuerHost, guid = GUID) => ({
  issuer: `https://${issuerHost}/${guid}/v2.0`,
  token_endpoint: `https://${tokenHost}/${guid}/oauth2/v2.0/token`,
});

describe('discoverTenant: issuer validation for every cloud, by GUID and by domain', () => {
  test('a domain-named tenant in a national cloud: the GUID issuer of the same host is accepted', async () => {
    const { fetch, urls } = answering(entra('login.microsoftonline.us'));
    const found = await discover('https://login.microsoftonline.us', 'contoso.onmicrosoft.us', fetch);
    assert.deepEqual(urls, [
      'https://login.microsoftonline.us/contoso.onmicrosoft.us/v2.0/.well-known/openid-configuration',
    ]);
    assert.equal(found.tenantGuid, GUID);
    assert.equal(found.tokenEndpoint, `https://login.microsoftonline.us/${GUID}/oauth2/v2.0/token`);
    assert.equal(found.configuration.serverMetadata().issuer, `https://login.microsoftonline.us/${GUID}/v2.0`);
  });

  test("21Vianet's discovery answers with its partner host: an alias of the same cloud", async () => {
    const { fetch } = answering(entra('login.partner.microsoftonline.cn'));
    const found = await discover('https://login.chinacloudapi.cn', 'contoso.partner.onmschina.cn', fetch);
    assert.equal(found.tokenEndpoint, `https://login.partner.microsoftonline.cn/${GUID}/oauth2/v2.0/token`);
  });

  test('the GUID named must be the GUID of the issuer (any case)', async () => {
    assert.equal(
      (
        await discover(
          'https://login.microsoftonline.com',
          GUID.toUpperCase(),
          answering(entra('login.microsoftonline.com')).fetch,
        )
      ).tenantGuid,
      GUID,
    );
    await assert.rejects(
      discover(
        'https://login.microsoftonline.com',
        GUID,
        answering(entra('login.microsoftonline.com', undefined, OTHER)).fetch,
      ),
      {
        code: 'AUTH_FAILED',
        message: `OpenID discovery at https://login.microsoftonline.com is not an Entra tenant's: issuer https://login.microsoftonline.com/${OTHER}/v2.0 is for another tenant than ${GUID}; check the cloud and the login endpoint`,
      },
    );
  });

  test('an issuer or token endpoint in another cloud, or elsewhere, is refused: credentials never leave the cloud', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        entra('login.microsoftonline.com'),
        /issuer https:\/\/login\.microsoftonline\.com is not on https:\/\/login\.microsoftonline\.us or its aliases/,
      ],
      [entra('login.microsoftonline.us', 'evil.example.com'), /token_endpoint https:\/\/evil\.example\.com is not on/],
      [
        {
          ...entra('login.microsoftonline.us'),
          token_endpoint: `https://login.microsoftonline.us/${OTHER}/oauth2/v2.0/token`,
        },
        /token_endpoint .+ is for another tenant than the issuer/,
      ],
      [
        { ...entra('login.microsoftonline.us'), issuer: 'https://login.microsoftonline.us/{tenantid}/v2.0' },
        /issuer "https:\/\/login\.microsoftonline\.us\/{tenantid}\/v2\.0" is not shaped like Entra's/,
      ],
      [
        {
          ...entra('login.microsoftonline.us'),
          token_endpoint: `http://login.microsoftonline.us/${GUID}/oauth2/v2.0/token`,
        },
        /token_endpoint http:\/\/login\.microsoftonline\.us is not on/,
      ],
    ];
    for (const [document, message] of cases) {
      await assert.rejects(
        discover('https://login.microsoftonline.us', 'contoso.onmicrosoft.us', answering(document).fetch),
        { code: 'AUTH_FAILED', message },
      );
    }
  });

  test('an Entra error answer says what to fix; an HTML page or a 5xx is a passing failure', async () => {
    const notFound = answering(
      { error: 'invalid_tenant', error_description: 'AADSTS90002: Tenant not found.', error_codes: [90002] },
      400,
    );
    await assert.rejects(discover('https://login.microsoftonline.com', 'nowhere.example', notFound.fetch), {
      code: 'AUTH_TENANT_NOT_FOUND',
      message:
        'tenant not found: check tenant_id and the cloud (global, usgov, usgovdod, china) (invalid_tenant, AADSTS90002)',
    });
    await assert.rejects(
      discover('https://login.microsoftonline.com', GUID, answering('<html>busy</html>', 503, 'text/html').fetch),
      {
        code: 'AUTH_UNAVAILABLE',
        message:
          'OpenID discovery at https://login.microsoftonline.com answered HTTP 503 with no JSON document: check the cloud and the login endpoint',
      },
    );
    await assert.rejects(
      discover('https://login.microsoftonline.com', GUID, answering('<html>portal</html>', 200, 'text/html').fetch),
      { code: 'AUTH_FAILED' },
    );
  });
});
