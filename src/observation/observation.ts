import type { TenantConfig } from '../config/types.ts';
import type { M365Error } from '../errors.ts';
import type { CredentialKind } from '../health/credential-expiry.ts';
import type { ServiceView } from '../health/evaluate.ts';

/** How a poll ended: a failed poll is data. */
export type PollOutcome = { readonly ok: true } | { readonly ok: false; readonly error: M365Error };

/**
 * What a tenant's polls have shown as of the last one, frozen: its poller makes a new one after each poll, an
 * `ObservationStore` keeps the latest, telemetry and the status endpoint read it.
 */
export interface Observation {
  /** The settings the tenant was polled under. */
  readonly tenant: TenantConfig;
  /** How the last poll ended; undefined before the first. */
  readonly outcome: PollOutcome | undefined;
  /** When the last poll that asked Graph ended (ms since epoch), and how long it took (one held back asks nothing). */
  readonly polledAt: number | undefined;
  readonly pollDurationMs: number | undefined;
  /** When Graph gave the last good answer; kept through failures. */
  readonly lastSuccessAt: number | undefined;
  /**
   * The services of the last good answer, evaluated, with their open issues (without posts) and, when
   * `m365.feature.health` is on, their feature groups; kept through failures (`kept-views.ts`).
   */
  readonly views: readonly ServiceView[] | undefined;
  /** When the access token the tenant polls with expires (ms since epoch), as of the end of the last poll. */
  readonly tokenExpiresAt: number | undefined;
  /** When the credential the tenant signs in with expires first (ms since epoch), and its kind; undefined if unknown. */
  readonly credentialExpiresAt?: number | undefined;
  readonly credentialKind?: CredentialKind | undefined;
}

/**
 * What a tenant shows before its poller's first poll: nothing yet, or, when the poller replaces one because the
 * tenant's settings changed, the `previous` outcome under the new settings, so that the gauges neither blink nor
 * restart from nothing.
 */
export function startObservation(
  tenant: TenantConfig,
  tokenExpiresAt: number | undefined,
  previous?: Observation,
): Observation {
  return Object.freeze({ ...(previous ?? NOTHING_YET), tenant, tokenExpiresAt });
}

const NOTHING_YET = {
  outcome: undefined,
  polledAt: undefined,
  pollDurationMs: undefined,
  lastSuccessAt: undefined,
  views: undefined,
} as const;

/** The outcome of every good poll. */
export const POLL_OK: PollOutcome = Object.freeze({ ok: true });
