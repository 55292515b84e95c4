import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { entraFailure, type EntraFailure } from './http-answers.ts';
import type { ScenarioClient } from './scenario-schema.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const ALGORITHMS = ['RS256', 'PS256', 'ES256'];

/** An assertion the simulator accepted, for tests to see what the client sent (never the assertion itself). */
export type AcceptedAssertion = Readonly<ReturnType<typeof accepted>>;

/** What verifying an assertion needs besides the request. */
export interface AssertionContext {
  readonly client: ScenarioClient;
  /** Audiences accepted for certificate assertions: the token endpoint as called, and with the tenant GUID. */
  readonly tokenEndpoints: readonly string[];
  readonly now: number;
  /** The client and `jti` of each accepted certificate assertion, until it expires (ms): a replay is refused. */
  readonly seen: Map<string, number>;
}

/** A compact JWS with its header and claims decoded; nothing in it is trusted until its signature verifies. */
interface DecodedJwt {
  readonly token: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

const malformed = (reason: string): EntraFailure => entraFailure('malformedAssertion', reason);

/**
 * Checks a `client_assertion` as Entra does. One whose `iss` is the client id is a certificate assertion (private_key_jwt):
 * header `typ: JWT`, `x5t` and/or `x5t#S256` of the registered certificate (else AADSTS700027), a valid RS256/PS256
 * signature by its key, `iss` = `sub` = client id (AADSTS700021), `aud` the token endpoint as one string (an array is
 * AADSTS50027, another value AADSTS50012), a `jti` not seen before, `exp`/`nbf` around now (AADSTS700024). Anything
 * else is a federated token, checked against the app's federated credential.
 */
export async function verifyClientAssertion(
  assertionType: string | null,
  assertion: string,
  context: AssertionContext,
): Promise<EntraFailure | AcceptedAssertion> {
  if (assertionType === null) return entraFailure('missingParameter', 'client_assertion_type');
  if (assertionType !== JWT_BEARER) return entraFailure('wrongAssertionType', assertionType);
  const jwt = decode(assertion);
  if (!jwt) return malformed('The client assertion is not a compact JWT.');
  const alg = jwt.header['alg'];
  if (typeof alg !== 'string' || !ALGORITHMS.includes(alg))
    return malformed(`Unsupported signing algorithm '${String(alg)}'.`);
  if (jwt.payload['iss'] !== context.client.clientId) return verifyFederated(jwt, context);
  return verifyCertificateAssertion(jwt, context);
}

async function verifyCertificateAssertion(
  jwt: DecodedJwt,
  context: AssertionContext,
): Promise<EntraFailure | AcceptedAssertion> {
  const { client } = context;
  if (jwt.header['typ'] !== 'JWT') return malformed("Invalid JWT header type specified. Allowed types: 'JWT'.");
  if (jwt.payload['sub'] !== client.clientId) return entraFailure('assertionClientMismatch');
  const aud = jwt.payload['aud'];
  if (typeof aud !== 'string') return malformed('The audience claim must be a single string.');
  if (!context.tokenEndpoints.includes(aud)) return entraFailure('assertionAudience');
  const times = checkTimes(jwt.payload, context.now, 300);
  if (times) return times;
  if (client.certificate === undefined) return entraFailure('assertionRejected', client.clientId);
  const keyFailure = await checkCertificateKey(jwt, client.certificate);
  if (keyFailure) return keyFailure;
  const jti = jwt.payload['jti'];
  if (typeof jti !== 'string' || jti === '') return malformed('The assertion has no jti.');
  const { seen, now } = context;
  for (const [key, until] of seen) if (until < now) seen.delete(key);
  if (seen.has(`${client.clientId}|${jti}`)) return entraFailure('assertionReplayed');
  seen.set(`${client.clientId}|${jti}`, (jwt.payload['exp'] as number) * 1000);
  return accepted(jwt, context, 'certificate');
}

/** The header names the registered certificate by `x5t` and/or `x5t#S256`, and its key made the signature. */
async function checkCertificateKey(jwt: DecodedJwt, pem: string): Promise<EntraFailure | undefined> {
  const certificate = new X509Certificate(pem);
  const thumbprints: [string, string][] = [
    ['x5t', createHash('sha1').update(certificate.raw).digest('base64url')],
    ['x5t#S256', createHash('sha256').update(certificate.raw).digest('base64url')],
  ];
  const named = thumbprints.filter(([name]) => typeof jwt.header[name] === 'string');
  if (named.length === 0 || named.some(([name, value]) => jwt.header[name] !== value)) {
    const presented = [jwt.header['x5t#S256'], jwt.header['x5t']].find((value) => typeof value === 'string');
    return entraFailure('assertionKeyNotFound', typeof presented === 'string' ? presented : '');
  }
  if (!/^(RS|PS)256$/.test(String(jwt.header['alg'])) || !(await verifies(jwt, certificate.publicKey))) {
    return entraFailure('assertionBadSignature');
  }
  return undefined;
}

/**
 * A token from an external identity provider: its issuer, subject and audience must be those of the app's federated
 * credential (AADSTS700211, 700213, 700212), its times valid (700024) and its signature one of the issuer's keys.
 */
async function verifyFederated(jwt: DecodedJwt, context: AssertionContext): Promise<EntraFailure | AcceptedAssertion> {
  const registration = context.client.federated;
  if (registration === undefined) {
    return entraFailure(context.client.certificate === undefined ? 'federationMissing' : 'assertionClientMismatch');
  }
  const { iss, sub, aud } = jwt.payload;
  if (iss !== registration.issuer) return entraFailure('federationIssuer', String(iss));
  if (sub !== registration.subject) return entraFailure('federationSubject', String(sub));
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(registration.audience)) {
    return entraFailure('federationAudience', audiences.map(String).join(', '));
  }
  const times = checkTimes(jwt.payload, context.now, 0);
  if (times) return times;
  const kid = jwt.header['kid'];
  const keys = registration.keys.filter((key) => kid === undefined || key.kid === kid);
  if (!(await Promise.all(keys.map((key) => verifies(jwt, key)))).includes(true)) {
    return malformed("The assertion's signature does not verify with the issuer's keys.");
  }
  return accepted(jwt, context, 'federated');
}

/** Header and claims of a compact JWS (base64url JSON objects); undefined when it is not one. */
function decode(token: string): DecodedJwt | undefined {
  if (!COMPACT_JWS.test(token)) return undefined;
  try {
    return { token, header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

/** Whether the signature verifies with `key` under the header's `alg` (already checked to be supported). */
function verifies(jwt: DecodedJwt, key: KeyObject | JWK): Promise<boolean> {
  const options = { algorithms: [String(jwt.header['alg'])] };
  return compactVerify(jwt.token, key, options).then(
    () => true,
    () => false,
  );
}

/** `exp` is required and in the future, `nbf` (if present) not in the future, with `skewS` of tolerance. */
function checkTimes(payload: DecodedJwt['payload'], nowMs: number, skewS: number): EntraFailure | undefined {
  const now = Math.floor(nowMs / 1000);
  const { exp, nbf } = payload;
  if (typeof exp !== 'number') return malformed('The assertion has no expiry (exp).');
  if (exp + skewS <= now || (typeof nbf === 'number' && nbf - skewS > now))
    return entraFailure('assertionOutsideValidity');
  return undefined;
}

/** What the client sent: its `jti` (federated tokens need not have one), `sub` and the header's `alg`. */
function accepted(jwt: DecodedJwt, context: AssertionContext, kind: 'certificate' | 'federated') {
  const { jti, sub } = jwt.payload;
  const { now: time, client } = context;
  const algorithm = String(jwt.header['alg']);
  return {
    time,
    clientId: client.clientId,
    kind,
    jti: typeof jti === 'string' ? jti : undefined,
    subject: String(sub),
    algorithm,
  };
}
