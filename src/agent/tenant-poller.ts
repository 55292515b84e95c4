import type { LogRecord } from '@opentelemetry/api';
import { adminConsentUrl } from '../auth/token-endpoint.ts';
import type { TokenProvider } from '../auth/token-provider.ts';
import { M365Error, toM365Error } from '../errors.ts';
import { readServiceHealth } from '../graph/graph-client.ts';
import type { StatusChange } from '../health/changes.ts';
import type { IssueUpdate } from '../health/issue-updates.ts';
import { DEFAULT_LEAD_TIMES_MS, earliestCredential } from '../health/credential-expiry.ts';
import { advanceCredentials, advanceMemory, MemoryInterners, type TenantMemory } from '../health/memory.ts';
import { evaluateSnapshot } from '../health/evaluate.ts';
import type { MessageUpdate } from '../health/messages.ts';
import { ExpressionCompiler } from '../health/severity-rules.ts';
import { timerDelay } from '../shared/timer-delay.ts';
import { evaluateServiceHealth } from '../health/status.ts';
import type { Log } from '../log.ts';
import type { HttpGet } from '../net/http-fetch.ts';
import {
  credentialExpiringRecord,
  issueUpdateRecord,
  messageUpdateRecord,
  statusChangeRecord,
} from '../telemetry/events.ts';
import type { Recorders } from '../telemetry/instruments.ts';
import { signingCredentials, type AppCredentialReader } from './app-credential-reader.ts';
import { createMessageReader } from './message-reader.ts';
import type { RequestBudget } from './request-budget.ts';
import { keepViews, SharedViews } from '../observation/kept-views.ts';
import { POLL_OK, startObservation, type Observation } from '../observation/observation.ts';
import type { TenantConfig } from '../config/types.ts';

/** What a poll found: a failed poll is data, not an exception. */
type PollReport =
  | {
      ok: true;
      /** Graph answered byte for byte as at the poll before: nothing was parsed, nothing changed. */
      unchanged: boolean;
      changes: StatusChange[];
      updates: IssueUpdate[];
      messages?: MessageUpdate[];
    }
  | { ok: false; error: M365Error };

/** What a poll found, and the tenant's observation after it. */
export type PollResult = PollReport & { readonly observation: Observation };

/** What a poll that asks Graph changes of the tenant's observation, as it learns it: a failure keeps the last read. */
type Found = { -readonly [K in 'polledAt' | 'pollDurationMs' | 'lastSuccessAt' | 'views']?: Observation[K] };

/** What the tenants of one agent keep one copy of between them: memories, kept views, compiled severity rules. */
export interface SharedCopies {
  readonly memory: MemoryInterners;
  readonly views: SharedViews;
  readonly rules: ExpressionCompiler;
}

/** The copies a new agent's tenants will share: none yet. */
export function createSharedCopies(): SharedCopies {
  return { memory: new MemoryInterners(), views: new SharedViews(), rules: new ExpressionCompiler() };
}

export interface TenantPollerOptions {
  tenant: TenantConfig;
  tokens: TokenProvider;
  get: HttpGet;
  clock: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  recorders: Recorders;
  log: Log;
  shared: SharedCopies;
  /** What was remembered of this tenant before (restored state); undefined on a first start. */
  memory?: TenantMemory;
  /**
   * Commits the memory to keep and the events its changes imply, together; the poll ends once it settles, so a poll
   * that returned has both saved.
   */
  commit?: (memory: TenantMemory, events: readonly LogRecord[]) => Promise<void>;
  /** Graph's request limits for this app in this tenant, shared by the tenants that use the same app. */
  budget?: RequestBudget;
  /** The latest observation of the tenant before its settings changed, which this poller carries over. */
  previous?: Observation;
  /** The reader of the app's registration in its home tenant, when `credential_expiry.read_app` is on. */
  appCredentials?: AppCredentialReader;
  /** Whether the health of each feature group is evaluated (`m365.feature.health` on); default true. */
  featureHealth?: boolean;
}

/**
 * Polls one tenant: fetch → evaluate (with the tenant's severity rules) → detect changes → commit the memory and
 * its events together (the message center's too, when its events are on), and returns the tenant's observation.
 */
export interface TenantPoller {
  /** The settings it polls under. */
  readonly tenant: TenantConfig;
  /** What the tenant shows until this poller's first poll ends: nothing yet, or what the one it replaces showed. */
  readonly initial: Observation;
  /** One poll; never rejects. */
  poll(signal: AbortSignal): Promise<PollResult>;
  /** What is remembered of the tenant now: a poller replacing this one starts from it, so no event repeats. */
  memory?(): TenantMemory | undefined;
}

export function createTenantPoller(options: TenantPollerOptions): TenantPoller {
  const initial = startObservation(options.tenant, options.tokens.expiresAt, options.previous);
  let latest = initial;
  let memory = options.memory;
  // The digest of the answer that `memory` and `latest.views` were made from: the same answer again changes neither.
  let answerDigest: string | undefined;
  const graph = {
    graphUrl: options.tenant.endpoints.graph,
    tokens: options.tokens,
    get: options.get,
    clock: options.clock,
    sleep: options.sleep,
    onResponse: (httpStatus: number) => {
      options.budget?.record(options.clock());
      options.recorders.recordGraphResponse(options.tenant, httpStatus);
    },
  };
  const severity = options.tenant.severity;
  const rule = severity ? options.shared.rules.severityRule(severity) : evaluateServiceHealth;
  const readMessages = options.tenant.events?.messages
    ? createMessageReader(options.tenant, graph, options)
    : undefined;
  const leadTimesMs =
    options.tenant.credentialExpiry?.warnBeforeDays.map((days) => days * 86_400_000) ?? DEFAULT_LEAD_TIMES_MS;

  /** After every poll, failed ones too (an expired credential fails them all): the warnings due, the earliest expiry. */
  function watchCredentials() {
    const credentials = signingCredentials(options.tenant, options.tokens, options.appCredentials?.current());
    const first = credentials && earliestCredential(credentials);
    const earliest = credentials
      ? { credentialExpiresAt: first?.expiresAt, credentialKind: first?.kind }
      : { credentialExpiresAt: latest.credentialExpiresAt, credentialKind: latest.credentialKind };
    if (memory === undefined) return { expiring: [], earliest };
    const step = advanceCredentials(memory, credentials, leadTimesMs, options.clock());
    memory = step.memory;
    return { expiring: step.expiring.map((warning) => credentialExpiringRecord(options.tenant, warning)), earliest };
  }

  function overBudget(): PollReport | undefined {
    const waitMs = options.budget?.waitMs(options.clock()) ?? 0;
    if (waitMs === 0) return undefined;
    const message = `Graph request budget of this app in this tenant is spent: next poll in ${Math.ceil(waitMs / 1000)} s`;
    return { ok: false, error: new M365Error('REQUEST_BUDGET', message, { retryAfter: waitMs / 1000 }) };
  }

  /** A poll that asks Graph; `found` gets when it ended, how long it took and, when Graph answered well, its read. */
  async function fetchOnce(signal: AbortSignal, found: Found): Promise<PollReport> {
    const started = options.clock();
    const timeout = startPollTimeout(options.tenant.timeoutMs, signal);
    try {
      const request = { deadline: started + options.tenant.timeoutMs, signal: timeout.signal };
      const read = await readServiceHealth(graph, request, memory === undefined ? undefined : answerDigest);
      let changes: StatusChange[] = [];
      let updates: IssueUpdate[] = [];
      if (read.same) {
        // What a parse would have given: the same views and records, no change; only the time of the poll moves.
        memory = { ...memory!, polledAt: read.fetchedAt };
        found.lastSuccessAt = read.fetchedAt;
      } else {
        const { snapshot } = read;
        const views = evaluateSnapshot(snapshot, rule, options.featureHealth ?? true);
        const step = advanceMemory(memory, snapshot, views, options.shared.memory);
        found.views = keepViews(views, latest.views, options.shared.views);
        found.lastSuccessAt = snapshot.fetchedAt;
        memory = step.memory;
        answerDigest = read.digest;
        ({ changes, updates } = step);
      }
      // Whatever happens to the message-center read (an abort, a failure), the health poll's changes still count.
      const center = readMessages && (await readMessages(memory, request));
      if (center) memory = center.memory;
      return { ok: true, unchanged: read.same, changes, updates, messages: center?.updates };
    } catch (error) {
      const mapped = toM365Error(error);
      if (mapped.code === 'ABORTED' && timeout.timedOut())
        return { ok: false, error: toM365Error(timeout.signal.reason) };
      return { ok: false, error: withConsentUrl(mapped, options.tenant) };
    } finally {
      timeout.clear();
      found.polledAt = options.clock();
      found.pollDurationMs = found.polledAt - started;
    }
  }

  return {
    tenant: options.tenant,
    initial,
    memory: () => memory,
    async poll(signal) {
      const found: Found = {};
      const result = overBudget() ?? (await fetchOnce(signal, found));
      const credentials = watchCredentials();
      if (result.ok) {
        const events = [
          ...result.updates.map((update) => issueUpdateRecord(options.tenant, update)),
          ...result.changes.map((change) => statusChangeRecord(options.tenant, change)),
          ...(result.messages ?? []).map((update) => messageUpdateRecord(options.tenant, update)),
          ...credentials.expiring,
        ];
        if (memory) await options.commit?.(memory, events);
        options.log.debug('poll ok', {
          tenant: options.tenant.name,
          unchanged: result.unchanged,
          changes: result.changes.length,
        });
      } else if (memory && credentials.expiring.length > 0) await options.commit?.(memory, credentials.expiring);
      if (!result.ok && !signal.aborted) {
        options.recorders.recordPollError(options.tenant, result.error.code);
        options.log.warn('poll failed', {
          tenant: options.tenant.name,
          error: result.error.code,
          reason: result.error.message,
        });
      }
      const outcome = result.ok ? POLL_OK : Object.freeze({ ok: false as const, error: result.error });
      const tokenExpiresAt = options.tokens.expiresAt;
      latest = Object.freeze({ ...latest, ...found, outcome, tokenExpiresAt, ...credentials.earliest });
      return { ...result, observation: latest };
    },
  };
}

/** Errors that an administrator of the tenant fixes by consenting to the app (again, after a permission was added). */
const CONSENT_FIXES: ReadonlySet<string> = new Set(['AUTH_APP_NOT_FOUND', 'GRAPH_FORBIDDEN']);

/** The error, told where the tenant's administrator grants the consent that fixes it when consent does. */
function withConsentUrl(error: M365Error, tenant: TenantConfig): M365Error {
  if (!CONSENT_FIXES.has(error.code)) return error;
  const url = adminConsentUrl(tenant.endpoints.login, tenant.tenantId, tenant.clientId);
  const message = `${error.message}; an administrator of the tenant consents at ${url}`;
  return new M365Error(error.code, message, { cause: error, status: error.status, retryAfter: error.retryAfter });
}

/**
 * A poll's time limit, and the poll's own signal: aborted when `outer` aborts (with its reason) or once `ms` have
 * passed (with a `TimeoutError`), whichever comes first. Cleared when the poll ends: `AbortSignal.timeout` fires
 * anyway, building a `DOMException` and aborting the poll's finished requests a timeout later, for every poll of
 * every tenant; and `AbortSignal.any` makes a composite signal that follows its sources through weak references,
 * which cost more than the poll's other bookkeeping.
 */
export function startPollTimeout(
  ms: number,
  outer?: AbortSignal,
): { readonly signal: AbortSignal; timedOut(): boolean; clear(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timerDelay(ms));
  const follow = () => controller.abort(outer?.reason);
  if (outer?.aborted) follow();
  else outer?.addEventListener('abort', follow, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', follow);
    },
  };
}
