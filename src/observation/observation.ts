import type { TenantConfig } from '../config/types.ts';
import type { M365Error } from '../errors.ts';
import type { ServiceView } from '../health/evaluate.ts';

/** How a poll ended: a failed poll is data. */
export type PollOutcome = { readonly ok: true } | { readonly ok: false; readonly error: M365Error };

const POLL_OK: PollOutcome = Object.freeze({ ok: true });

/**
 * What a tenant's polls have shown, as of its last one: a value, made anew by the tenant's poller after each poll
 * and frozen, kept as the tenant's latest by an `ObservationStore`, read by telemetry and the status endpoint.
 * Whatever is derived from it (staleness, the age of the data) is a function of it and the time (`health/staleness.ts`).
 */
export interface Observation {
  /** The settings the tenant was polled under. */
  readonly tenant: TenantConfig;
  /** How the last poll ended; undefined before the first one. */
  readonly outcome: PollOutcome | undefined;
  /**
   * When the last poll that asked Graph ended (ms since epoch), and how long it took; undefined before the first.
   * A poll the request budget held back asked nothing, and moves neither.
   */
  readonly polledAt: number | undefined;
  readonly pollDurationMs: number | undefined;
  /** When Graph gave the last good answer; undefined before the first one. A failed poll keeps it. */
  readonly lastSuccessAt: number | undefined;
  /**
   * The services of the last good answer, as evaluated, with their features and open issues (posts dropped);
   * undefined before the first one. A failed poll keeps them. They are kept views (`kept-views.ts`): frozen, made
   * of copies the tenants of one agent share, and the same objects as in the observation before when they did not
   * change. That saves memory and garbage collections; no reader may rely on it for what it reads.
   */
  readonly views: readonly ServiceView[] | undefined;
  /** When the access token the tenant polls with expires (ms since epoch), as of the end of the last poll. */
  readonly tokenExpiresAt: number | undefined;
}

/** What a tenant that was never polled shows. */
export function firstObservation(tenant: TenantConfig, tokenExpiresAt: number | undefined): Observation {
  return Object.freeze({
    tenant,
    outcome: undefined,
    polledAt: undefined,
    pollDurationMs: undefined,
    lastSuccessAt: undefined,
    views: undefined,
    tokenExpiresAt,
  });
}

/**
 * What a tenant whose poller is replaced because its settings changed shows until the new poller's first poll: the
 * last outcome, under the new settings, so that the gauges neither blink nor restart from nothing.
 */
export function carryObservation(
  previous: Observation,
  tenant: TenantConfig,
  tokenExpiresAt: number | undefined,
): Observation {
  return Object.freeze({ ...previous, tenant, tokenExpiresAt });
}

/** What one poll tells of a tenant. */
export interface PollFacts {
  readonly outcome: PollOutcome;
  /** When the poll started and ended: only for a poll that asked Graph. */
  readonly timing?: { readonly startedAt: number; readonly endedAt: number };
  /** Graph's good answer: when it was read, and the services it shows (the same views when the answer was). */
  readonly read?: { readonly at: number; readonly views: readonly ServiceView[] | undefined };
  readonly tokenExpiresAt: number | undefined;
}

/** The observation after a poll: `previous`, with what the poll told; a poll that read nothing keeps the last read. */
export function nextObservation(previous: Observation, poll: PollFacts): Observation {
  const { outcome, timing, read } = poll;
  return Object.freeze({
    tenant: previous.tenant,
    outcome: outcome.ok ? POLL_OK : Object.freeze({ ok: false, error: outcome.error }),
    polledAt: timing ? timing.endedAt : previous.polledAt,
    pollDurationMs: timing ? timing.endedAt - timing.startedAt : previous.pollDurationMs,
    lastSuccessAt: read ? read.at : previous.lastSuccessAt,
    views: read ? read.views : previous.views,
    tokenExpiresAt: poll.tokenExpiresAt,
  });
}
