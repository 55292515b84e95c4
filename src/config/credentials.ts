import { Secret } from './secret.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import type { PathSegment } from './yaml-path.ts';

/**
 * Schema of the credential keys of a tenant, one per kind; a tenant sets exactly one. A new kind (a certificate, a
 * federated token file) is one more property here and one more field in {@link TenantCredential}.
 */
export const CREDENTIAL_PROPERTIES = {
  client_secret: { type: 'string', minLength: 1 },
} as const;

const CREDENTIAL_KEYS = Object.keys(CREDENTIAL_PROPERTIES);

/** The credential of one tenant, as the token provider needs it. */
export interface TenantCredential {
  clientSecret: Secret | undefined;
}

/** Checks that `tenant` sets exactly one credential and wraps it; values are never put in messages. */
export function resolveCredential(
  tenant: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  sink: ProblemSink,
): TenantCredential {
  const present = CREDENTIAL_KEYS.filter((key) => tenant[key] !== undefined);
  if (present.length === 0) {
    const choices = CREDENTIAL_KEYS.length === 1 ? CREDENTIAL_KEYS[0] : `one of ${CREDENTIAL_KEYS.join(', ')}`;
    reportProblem(sink, at, `missing credential: set ${choices}`);
  } else if (present.length > 1) {
    reportProblem(sink, at, `set only one credential; found ${present.join(' and ')}`);
  }
  const secret = tenant['client_secret'];
  return { clientSecret: typeof secret === 'string' && secret !== '' ? new Secret(secret) : undefined };
}
