import { sameEntries } from './interner.ts';

/** What kind of credential a tenant signs in with, of those that expire (a federated credential does not). */
export type CredentialKind = 'certificate' | 'secret';

/** A credential the tenant signs in with, and when it expires. */
export interface SigningCredential {
  readonly kind: CredentialKind;
  /** Graph's `keyId` of a secret; the base64url SHA-1 thumbprint (`x5t`) of a certificate file. */
  readonly keyId: string;
  /** Graph's `displayName` of a secret; the subject of a certificate file; empty when there is none. */
  readonly displayName: string;
  /** ms since epoch. */
  readonly expiresAt: number;
}

/**
 * What is remembered of the warnings already given: for each credential (kind, key id and expiry), the shortest lead
 * time (ms) it was reported at, 0 once it was reported expired.
 */
export type CredentialWarnings = Readonly<Record<string, number>>;

/** A credential reached a lead time before its expiry (`leadTimeMs` > 0), or expired (`leadTimeMs` 0). */
export interface CredentialExpiring {
  readonly kind: 'credential_expiring';
  readonly credential: SigningCredential;
  readonly leadTimeMs: number;
  /** `<baseline ms>/c/<kind>:<key id>@<expiry ms>:<lead ms>`: one per credential and lead time in a history. */
  readonly eventId: string;
  readonly at: number;
}

/** The built-in lead times of the warnings: 30 and 7 days before the expiry. */
export const DEFAULT_LEAD_TIMES_MS: readonly number[] = Object.freeze([30 * 86_400_000, 7 * 86_400_000]);

/**
 * Reports each credential once per lead time it reaches, and once when it expires. When a credential is first seen
 * past several lead times (or the agent was stopped while it crossed them), only the shortest one reached is
 * reported: the others are past news. `credentials` undefined means not known at this poll (the app's read not done
 * yet, no token signed yet): what was remembered is kept. Credentials no longer listed are forgotten.
 */
export function detectCredentialWarnings(
  previous: CredentialWarnings | undefined,
  credentials: readonly SigningCredential[] | undefined,
  context: { readonly leadTimesMs: readonly number[]; readonly now: number; readonly baselineAt: number },
): { warnings: CredentialWarnings | undefined; expiring: CredentialExpiring[] } {
  if (credentials === undefined) return { warnings: previous, expiring: [] };
  const { now, baselineAt } = context;
  const warnings: Record<string, number> = {};
  const expiring: CredentialExpiring[] = [];
  for (const credential of credentials) {
    const key = `${credential.kind}:${credential.keyId}@${credential.expiresAt}`;
    if (Object.hasOwn(warnings, key)) continue;
    const reached = reachedLeadTime(credential.expiresAt - now, context.leadTimesMs);
    const before = previous !== undefined && Object.hasOwn(previous, key) ? previous[key] : undefined;
    if (reached === undefined) continue;
    warnings[key] = Math.min(reached, before ?? reached);
    if (before !== undefined && before <= reached) continue;
    const eventId = `${baselineAt}/c/${key}:${reached}`;
    expiring.push({ kind: 'credential_expiring', credential, leadTimeMs: reached, eventId, at: now });
  }
  const same = previous !== undefined && sameEntries(previous, warnings);
  return { warnings: same ? previous : Object.keys(warnings).length === 0 ? undefined : warnings, expiring };
}

/** The shortest lead time `remainingMs` is within (0 once expired), or undefined before the longest. */
function reachedLeadTime(remainingMs: number, leadTimesMs: readonly number[]): number | undefined {
  if (remainingMs <= 0) return 0;
  let reached: number | undefined;
  for (const lead of leadTimesMs) if (remainingMs <= lead && (reached === undefined || lead < reached)) reached = lead;
  return reached;
}

/** The credential that expires first, or undefined when there is none. */
export function earliestCredential(credentials: readonly SigningCredential[]): SigningCredential | undefined {
  let earliest: SigningCredential | undefined;
  for (const credential of credentials)
    if (!earliest || credential.expiresAt < earliest.expiresAt) earliest = credential;
  return earliest;
}

/**
 * The secrets of an app registration that may be the one a tenant signs in with: those whose `hint` (Graph gives the
 * first three characters of each secret) is the start of `secret`. Several may match: all are kept, so that the
 * earliest is warned about rather than missed.
 */
export function secretsMatching<T extends { readonly hint?: string | undefined }>(
  listed: readonly T[],
  secret: string,
) {
  return listed.filter((entry) => entry.hint !== undefined && entry.hint !== '' && secret.startsWith(entry.hint));
}
