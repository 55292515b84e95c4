import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import * as failures from './entra-errors.ts';
import type { EntraFailure } from './entra-errors.ts';
import { checkJwtTimes, decodeJwt, isSupportedAlgorithm, verifyJwtSignature, type DecodedJwt } from './jwt.ts';
import type { FederatedRegistration, ScenarioClient } from './scenario-types.ts';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An assertion the simulator accepted, for tests to see what the client sent (never the assertion itself). */
export interface AcceptedAssertion {
  readonly time: number;
  readonly clientId: string;
  readonly kind: 'certificate' | 'federated';
  /** The assertion's `jti`, or undefined when it has none (federated tokens need not). */
  readonly jti: string | undefined;
  /** `sub` of the assertion. */
  readonly subject: string;
  /** The header's `alg`. */
  readonly algorithm: string;
}

/** What verifying an assertion needs besides the request. */
export interface AssertionContext {
  readonly client: ScenarioClient;
  /** Audiences accepted for certificate assertions: the token endpoint as called, and with the tenant GUID. */
  readonly tokenEndpoints: readonly string[];
  readonly now: number;
  /** Whether a `jti` was seen before (and remembers it until `expiresAt`). */
  readonly replayed: (jti: string, expiresAt: number) => boolean;
}

/**
 * Checks a `client_assertion` as Entra does. One whose `iss` is the client id is a certificate assertion (private_key_jwt):
 * header `typ: JWT`, `x5t` and/or `x5t#S256` of the registered certificate (else AADSTS700027), a valid RS256/PS256
 * signature by its key, `iss` = `sub` = client id (AADSTS700021), `aud` the token endpoint as one string (an array is
 * AADSTS50027, another value AADSTS50012), a `jti` not seen before, `exp`/`nbf` around now (AADSTS700024). Anything
 * else is a federated token, checked against the app's federated credential.
 */
export function verifyClientAssertion(
  assertionType: string | null,
  assertion: string,
  context: AssertionContext,
): EntraFailure | AcceptedAssertion {
  if (assertionType === null) return failures.missingParameter('client_assertion_type');
  if (assertionType !== JWT_BEARER) return failures.wrongAssertionType(assertionType);
  const jwt = decodeJwt(assertion);
  if (!jwt) return failures.malformedAssertion('The client assertion is not a compact JWT.');
  if (!isSupportedAlgorithm(jwt.header['alg']))
    return failures.malformedAssertion(`Unsupported signing algorithm '${String(jwt.header['alg'])}'.`);
  if (jwt.payload['iss'] !== context.client.clientId) return verifyFederated(jwt, context);
  return verifyCertificateAssertion(jwt, context);
}

function verifyCertificateAssertion(jwt: DecodedJwt, context: AssertionContext): EntraFailure | AcceptedAssertion {
  const { client } = context;
  if (jwt.header['typ'] !== 'JWT')
    return failures.malformedAssertion("Invalid JWT header type specified. Allowed types: 'JWT'.");
  if (jwt.payload['sub'] !== client.clientId) return failures.assertionClientMismatch();
  const aud = jwt.payload['aud'];
  if (typeof aud !== 'string') return failures.malformedAssertion('The audience claim must be a single string.');
  if (!context.tokenEndpoints.includes(aud)) return failures.assertionAudience();
  const times = checkJwtTimes(jwt.payload, context.now);
  if (times === 'missing') return failures.malformedAssertion('The assertion has no expiry (exp).');
  if (times !== 'ok') return failures.assertionOutsideValidity();
  if (client.certificate === undefined) return failures.assertionRejected(client.clientId);
  const keyFailure = checkCertificateKey(jwt, client.certificate);
  if (keyFailure) return keyFailure;
  const jti = jwt.payload['jti'];
  if (typeof jti !== 'string' || jti === '') return failures.malformedAssertion('The assertion has no jti.');
  if (context.replayed(jti, (jwt.payload['exp'] as number) * 1000)) return failures.assertionReplayed();
  return accepted(jwt, context, 'certificate');
}

/** The header names the registered certificate by `x5t` and/or `x5t#S256`, and its key made the signature. */
function checkCertificateKey(jwt: DecodedJwt, pem: string): EntraFailure | undefined {
  const certificate = new X509Certificate(pem);
  const thumbprints: [string, string][] = [
    ['x5t', createHash('sha1').update(certificate.raw).digest('base64url')],
    ['x5t#S256', createHash('sha256').update(certificate.raw).digest('base64url')],
  ];
  const named = thumbprints.filter(([name]) => typeof jwt.header[name] === 'string');
  if (named.length === 0 || named.some(([name, value]) => jwt.header[name] !== value)) {
    const presented = [jwt.header['x5t#S256'], jwt.header['x5t']].find((value) => typeof value === 'string');
    return failures.assertionKeyNotFound(typeof presented === 'string' ? presented : '');
  }
  if (!String(jwt.header['alg']).match(/^(RS|PS)256$/) || !verifyJwtSignature(jwt, certificate.publicKey)) {
    return failures.assertionBadSignature();
  }
  return undefined;
}

/**
 * A token from an external identity provider: its issuer, subject and audience must be those of the app's federated
 * credential (AADSTS700211, 700213, 700212), its times valid (700024) and its signature one of the issuer's keys.
 */
function verifyFederated(jwt: DecodedJwt, context: AssertionContext): EntraFailure | AcceptedAssertion {
  const registration = context.client.federated;
  if (registration === undefined) {
    return context.client.certificate === undefined ? failures.federationMissing() : failures.assertionClientMismatch();
  }
  const { iss, sub, aud } = jwt.payload;
  if (iss !== registration.issuer) return failures.federationIssuer(String(iss));
  if (sub !== registration.subject) return failures.federationSubject(String(sub));
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(registration.audience)) return failures.federationAudience(audiences.map(String).join(', '));
  const times = checkJwtTimes(jwt.payload, context.now, 0);
  if (times === 'missing') return failures.malformedAssertion('The assertion has no expiry (exp).');
  if (times !== 'ok') return failures.assertionOutsideValidity();
  if (!signedByIssuer(jwt, registration))
    return failures.malformedAssertion("The assertion's signature does not verify with the issuer's keys.");
  return accepted(jwt, context, 'federated');
}

function signedByIssuer(jwt: DecodedJwt, registration: FederatedRegistration): boolean {
  const kid = jwt.header['kid'];
  const candidates = registration.keys.filter((key) => kid === undefined || (key as { kid?: unknown }).kid === kid);
  return candidates.some((key) => verifyJwtSignature(jwt, createPublicKey({ key, format: 'jwk' })));
}

function accepted(jwt: DecodedJwt, context: AssertionContext, kind: AcceptedAssertion['kind']): AcceptedAssertion {
  const jti = jwt.payload['jti'];
  return {
    time: context.now,
    clientId: context.client.clientId,
    kind,
    jti: typeof jti === 'string' ? jti : undefined,
    subject: String(jwt.payload['sub']),
    algorithm: String(jwt.header['alg']),
  };
}
