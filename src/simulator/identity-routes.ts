import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireTokenResponse } from '../graph/wire.ts';
import type { SimContext } from './context.ts';
import { entraFailure, entraHeaders, originOf, readBody, sendEntraError, sendJson } from './http-answers.ts';
import type { EntraFailure } from './http-answers.ts';
import { verifyClientAssertion } from './client-assertion.ts';
import type { ScenarioClient, ScenarioTenant } from './scenario-schema.ts';

const ROUTE = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/;
const TENANT_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^([a-z0-9-]+\.)+[a-z]{2,}$/i;
const MAX_ASSERTIONS = 1000;
/** Microsoft Graph as a resource: its hosts in every cloud, and its application id. */
const GRAPH_RESOURCES = (
  'https://graph.microsoft.com https://graph.microsoft.us https://dod-graph.microsoft.us ' +
  'https://microsoftgraph.chinacloudapi.cn 00000003-0000-0000-c000-000000000000'
).split(' ');

/** An identity-platform path: which endpoint, for which tenant (GUID or domain, as written in the URL). */
export interface IdentityRoute {
  readonly endpoint: 'discovery' | 'token' | 'keys';
  readonly tenantKey: string;
}

/** Recognises `/{tenant}/v2.0/.well-known/openid-configuration`, `…/oauth2/v2.0/token` and `…/discovery/v2.0/keys`. */
export function matchIdentityRoute(path: string): IdentityRoute | undefined {
  const match = ROUTE.exec(path);
  if (!match) return undefined;
  const endpoint = match[2].startsWith('v2.0') ? 'discovery' : match[2].startsWith('oauth2') ? 'token' : 'keys';
  return { endpoint, tenantKey: decodeURIComponent(match[1]) };
}

/**
 * Serves one identity-platform request for the tenant its path names, if the scenario has it. The issuer is always the GUID form (`{origin}/{tenantGuid}/v2.0`), also
 * when the request named the tenant by its domain, as Entra does.
 */
export async function handleIdentity(
  ctx: SimContext,
  route: IdentityRoute,
  tenant: ScenarioTenant | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const key = route.tenantKey;
  const origin = originOf(req, ctx.url);
  const answer = !tenant
    ? entraFailure(TENANT_KEY.test(key) ? 'unknownTenant' : 'malformedTenant', key)
    : route.endpoint === 'discovery'
      ? buildOpenIdConfiguration(origin, tenant.tenantId)
      : route.endpoint === 'keys'
        ? { keys: [] }
        : await answerToken(ctx, tenant, key, req);
  if ('error' in answer) return sendEntraError(res, answer, ctx.clock());
  sendJson(res, 200, answer, entraHeaders());
}

/** A client-credentials request for the tenant a path named by `key`, checked in the order Entra reports problems. */
async function answerToken(
  ctx: SimContext,
  tenant: ScenarioTenant,
  key: string,
  req: IncomingMessage,
): Promise<WireTokenResponse | EntraFailure> {
  if (req.method !== 'POST') return entraFailure('postOnly', req.method ?? 'GET');
  const form = new URLSearchParams(await readBody(req));
  const grant = form.get('grant_type');
  if (!grant) return entraFailure('missingParameter', 'grant_type');
  if (grant !== 'client_credentials') return entraFailure('unsupportedGrant', grant);
  const credentials = readClientCredentials(form, req.headers.authorization);
  if (!credentials.clientId) return entraFailure('missingParameter', 'client_id');
  const client = tenant.clients.find((c) => c.clientId === credentials.clientId.toLowerCase());
  if (!client) return unknownClient(ctx, credentials.clientId, tenant);
  const origin = originOf(req, ctx.url);
  const scopeFailure = checkScope(form.get('scope'), [origin, ctx.url, ...GRAPH_RESOURCES], tenant);
  if (scopeFailure) return scopeFailure;
  const endpoints = [key, tenant.tenantId].map((id) => `${origin}/${id}/oauth2/v2.0/token`);
  const failure =
    credentials.assertion === undefined
      ? checkSecret(client, credentials.secret)
      : await checkAssertion(ctx, client, form.get('client_assertion_type'), credentials.assertion, endpoints);
  if (failure) return failure;
  if (client.blocked) return entraFailure('conditionalAccess');
  const lifetime = tenant.tokenLifetimeSeconds;
  const access_token = ctx.tokens.issue(tenant, client, lifetime, ctx.clock());
  return { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token };
}

/**
 * An app this tenant does not know: one registered in another tenant (a multi-tenant app nobody consented to here)
 * has no service principal in this one, AADSTS7000229; one registered nowhere is not found, AADSTS700016.
 */
function unknownClient(ctx: SimContext, clientId: string, tenant: ScenarioTenant): EntraFailure {
  const id = clientId.toLowerCase();
  const elsewhere = ctx.scenario.tenants.some((other) => other.clients.some((c) => c.clientId === id));
  return elsewhere
    ? entraFailure('missingServicePrincipal', clientId, tenant.tenantId)
    : entraFailure('unknownClient', clientId, tenant.name);
}

function checkSecret(client: ScenarioClient, secret: string | undefined): EntraFailure | undefined {
  if (secret === undefined) return entraFailure('missingCredential');
  if (client.clientSecret === '' || secret !== client.clientSecret)
    return entraFailure('invalidSecret', client.clientId);
  if (client.expired) return entraFailure('expiredSecret', client.clientId);
  return undefined;
}

/** Verifies a client assertion (certificate or federated) and records what it said. */
async function checkAssertion(
  ctx: SimContext,
  client: ScenarioClient,
  type: string | null,
  assertion: string,
  tokenEndpoints: readonly string[],
): Promise<EntraFailure | undefined> {
  const context = { client, tokenEndpoints, now: ctx.clock(), seen: ctx.seenAssertions };
  const outcome = await verifyClientAssertion(type, assertion, context);
  if ('status' in outcome) return outcome;
  ctx.assertions.push(outcome);
  if (ctx.assertions.length > MAX_ASSERTIONS) ctx.assertions.shift();
  return undefined;
}

/** One `{resource}/.default` scope, for a resource that is Microsoft Graph (or this simulator standing in for it). */
function checkScope(scope: string | null, resources: string[], tenant: ScenarioTenant): EntraFailure | undefined {
  if (!scope) return entraFailure('missingParameter', 'scope');
  const scopes = scope.split(/\s+/).filter((s) => s !== '');
  if (scopes.length !== 1 || !scopes[0].endsWith('/.default')) return entraFailure('invalidScope', scope);
  const resource = scopes[0].slice(0, -'/.default'.length).replace(/\/+$/, '').toLowerCase();
  if (resources.some((r) => r.toLowerCase() === resource)) return undefined;
  return entraFailure('unknownResource', resource, tenant.tenantId);
}

/** Client id and secret from HTTP Basic (RFC 6749 form-encoding) or from the body. */
function readClientCredentials(form: URLSearchParams, authorization: string | undefined) {
  const assertion = form.get('client_assertion') ?? undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)), assertion };
    }
  }
  return { clientId: form.get('client_id') ?? '', secret: form.get('client_secret') ?? undefined, assertion };
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

const CLAIMS = (
  'sub iss cloud_instance_name cloud_instance_host_name cloud_graph_host_name msgraph_host aud exp iat ' +
  'auth_time acr nonce preferred_username name tid ver at_hash c_hash email'
).split(' ');

/** The OpenID Connect discovery document Entra publishes for a tenant (v2.0 endpoints), pointing at `origin`. */
function buildOpenIdConfiguration(origin: string, tenantId: string) {
  const base = `${origin}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(origin).host,
    rbac_url: 'https://pas.windows.net',
  };
}
