import { constants, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

/** Signs a compact JWT (RS256 or PS256) with `key`, from a header and claims given as they should appear. */
export function signJwt(key: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const pss = header['alg'] === 'PS256';
  const signature = sign(
    'sha256',
    Buffer.from(input),
    pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key,
  );
  return `${input}.${signature.toString('base64url')}`;
}

/** An external OIDC issuer for tests: a key pair, its JWKS, and tokens it issues. */
export interface TestIssuer {
  readonly issuer: string;
  readonly jwks: { keys: Record<string, unknown>[] };
  /** A token for `subject`, valid from `nowMs` for `lifetimeS` (default 1 hour), audience `api://AzureADTokenExchange`. */
  token(subject: string, nowMs: number, overrides?: Record<string, unknown>, lifetimeS?: number): string;
}

/** Creates an issuer named `issuer` with a fresh RSA key (`kid` `test-key`). */
export function createTestIssuer(issuer: string): TestIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
  return {
    issuer,
    jwks: { keys: [jwk] },
    token(subject, nowMs, overrides = {}, lifetimeS = 3600) {
      const now = Math.floor(nowMs / 1000);
      const claims = {
        iss: issuer,
        sub: subject,
        aud: ['api://AzureADTokenExchange'],
        iat: now,
        nbf: now,
        exp: now + lifetimeS,
        jti: randomUUID(),
        ...overrides,
      };
      return signJwt(privateKey, { alg: 'RS256', kid: 'test-key', typ: 'JWT' }, claims);
    },
  };
}
