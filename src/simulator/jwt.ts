import { constants, verify, type KeyObject } from 'node:crypto';

/** A compact JWS taken apart; nothing in it is trusted until {@link verifyJwtSignature} says so. */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

const COMPACT = /^([\w-]+)\.([\w-]+)\.([\w-]+)$/;

/** Decodes `header.payload.signature` (base64url JSON objects); undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const match = COMPACT.exec(token);
  if (!match) return undefined;
  const header = parseJsonObject(match[1]);
  const payload = parseJsonObject(match[2]);
  if (!header || !payload) return undefined;
  return { header, payload, signingInput: `${match[1]}.${match[2]}`, signature: Buffer.from(match[3], 'base64url') };
}

function parseJsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Signature algorithms the simulator verifies, as `node:crypto` needs them. */
const ALGORITHMS: Readonly<Record<string, (key: KeyObject) => Parameters<typeof verify>[2]>> = {
  RS256: (key) => key,
  PS256: (key) => ({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  ES256: (key) => ({ key, dsaEncoding: 'ieee-p1363' }),
};

/** Whether the JWT's `alg` is one the simulator verifies. */
export function isSupportedAlgorithm(alg: unknown): boolean {
  return typeof alg === 'string' && alg in ALGORITHMS;
}

/** Whether the signature verifies with `key` under the header's `alg` (SHA-256 based: RS256, PS256, ES256). */
export function verifyJwtSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  const alg = jwt.header['alg'];
  if (typeof alg !== 'string' || !(alg in ALGORITHMS)) return false;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), ALGORITHMS[alg](key), jwt.signature);
  } catch {
    return false;
  }
}

/** Checks `exp` (required, in the future) and `nbf` (if present, not in the future), with `skewS` of tolerance. */
export function checkJwtTimes(
  payload: Readonly<Record<string, unknown>>,
  nowMs: number,
  skewS = 300,
): 'ok' | 'missing' | 'expired' | 'early' {
  const now = Math.floor(nowMs / 1000);
  const { exp, nbf } = payload;
  if (typeof exp !== 'number') return 'missing';
  if (exp + skewS <= now) return 'expired';
  if (typeof nbf === 'number' && nbf - skewS > now) return 'early';
  return 'ok';
}
