import { randomBytes } from 'node:crypto';
import type { ScenarioClient, ScenarioTenant } from './scenario-schema.ts';

/** What an access token was issued for. */
export interface TokenGrant {
  readonly tenant: ScenarioTenant;
  /** The app it was issued to, whose permissions Graph checks. */
  readonly client: ScenarioClient;
  /** ms since epoch, by the simulator's clock. */
  expiresAt: number;
}

/** Opaque access tokens bound to a tenant, an app and an expiry; checked against the simulator's clock. */
export class TokenStore {
  readonly #grants = new Map<string, TokenGrant>();
  #prunedAt = Number.NEGATIVE_INFINITY;

  /** Issues a new random token valid for `lifetimeSeconds` from `now`. */
  issue(tenant: ScenarioTenant, client: ScenarioClient, lifetimeSeconds: number, now: number): string {
    this.#prune(now);
    const token = randomBytes(32).toString('base64url');
    this.#grants.set(token, { tenant, client, expiresAt: now + lifetimeSeconds * 1000 });
    return token;
  }

  /** Every token still remembered (issued and not yet pruned): lets leak tests look for them in output. */
  issued(): string[] {
    return [...this.#grants.keys()];
  }

  /** The grant behind a token, expired or not; undefined for a token never issued. */
  find(token: string): TokenGrant | undefined {
    return this.#grants.get(token);
  }

  /** Makes every token (of one tenant by scenario name, or all) expire at `now`. */
  expire(now: number, tenant?: string): void {
    for (const grant of this.#grants.values()) {
      if (tenant === undefined || grant.tenant.name === tenant) grant.expiresAt = Math.min(grant.expiresAt, now);
    }
  }

  /**
   * Forgets tokens expired for more than a day, so that a long-running demo does not grow; at most once a minute,
   * so that ten thousand tenants asking for tokens do not each scan every token issued.
   */
  #prune(now: number): void {
    if (now - this.#prunedAt < 60_000) return;
    this.#prunedAt = now;
    for (const [token, grant] of this.#grants) if (grant.expiresAt < now - 86_400_000) this.#grants.delete(token);
  }
}
