import type { TokenProvider } from '../auth/token-provider.ts';
import { M365Error, toM365Error } from '../errors.ts';
import { readServiceHealth, type FetchRequest } from '../graph/graph-client.ts';
import type { StatusChange } from '../health/changes.ts';
import type { IssueUpdate } from '../health/issue-updates.ts';
import { advanceMemory, MemoryInterners, type TenantMemory } from '../health/memory.ts';
import { evaluateSnapshot } from '../health/evaluate.ts';
import type { MessageUpdate } from '../health/messages.ts';
import { ExpressionCompiler } from '../health/severity-rules.ts';
import { evaluateServiceHealth } from '../health/status.ts';
import type { Log } from '../log.ts';
import type { HttpGet } from '../net/http-fetch.ts';
import type { EventEmitter } from '../telemetry/events.ts';
import type { Recorders } from '../telemetry/instruments.ts';
import { createMessageReader } from './message-reader.ts';
import type { RequestBudget } from './request-budget.ts';
import { startPollTimeout } from './poll-timeout.ts';
import { retainViews, SharedViews } from './retained-views.ts';
import { carryTenantStatus, createTenantStatus, type TenantStatus } from '../observation/tenant-status.ts';
import type { TenantConfig } from '../config/types.ts';

/** A failed poll is data, not an exception. */
export type PollResult =
  | {
      ok: true;
      /** Graph answered byte for byte as at the poll before: nothing was parsed, nothing changed. */
      unchanged: boolean;
      changes: StatusChange[];
      updates: IssueUpdate[];
      messages?: MessageUpdate[];
    }
  | { ok: false; error: M365Error };

/**
 * The copies that the tenants of one agent keep between them instead of one each: what their memories and their
 * kept views are made of, and their compiled severity rules. One per agent, made by {@link createSharedCopies} where
 * the pollers are assembled.
 */
export interface SharedCopies {
  readonly memory: MemoryInterners;
  readonly views: SharedViews;
  /** Compiles the tenants' `severity` texts, each distinct text once, across reloads too. */
  readonly rules: ExpressionCompiler;
}

/** The copies a new agent's tenants will share: none yet. */
export function createSharedCopies(): SharedCopies {
  return { memory: new MemoryInterners(), views: new SharedViews(), rules: new ExpressionCompiler() };
}

export interface TenantPollerOptions {
  tenant: TenantConfig;
  tokens: TokenProvider;
  /** Graph's reads. */
  get: HttpGet;
  clock: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  recorders: Recorders;
  events: EventEmitter;
  log: Log;
  /** The copies this tenant shares with the other tenants of its agent. */
  shared: SharedCopies;
  /** What was remembered of this tenant before (restored state); undefined on a first start. */
  memory?: TenantMemory;
  /**
   * Called after each good poll with the memory to keep; the poll ends once it settles, so a poll that returned has
   * its memory saved (a restart right after it neither repeats nor misses an event) and `run --once` exits saved.
   */
  onMemory?: (memory: TenantMemory) => Promise<void>;
  /** Graph's request limits for this app in this tenant, shared by the tenants that use the same app. */
  budget?: RequestBudget;
  /** The status of the poller this one replaces (the tenant's settings changed), whose last outcome it keeps. */
  previous?: TenantStatus;
}

/**
 * Polls one tenant: fetch → evaluate (with the tenant's severity rules) → detect changes → emit, and keeps its
 * {@link TenantStatus}; when message-center events are on, reads the message center after each good poll.
 */
export interface TenantPoller {
  readonly status: TenantStatus;
  /** One poll; never rejects. */
  poll(signal: AbortSignal): Promise<PollResult>;
  /** What is remembered of the tenant now: a poller replacing this one starts from it, so no event repeats. */
  memory?(): TenantMemory | undefined;
}

/** Creates the poller of one tenant. */
export function createTenantPoller(options: TenantPollerOptions): TenantPoller {
  const tokenExpiresAt = () => options.tokens.expiresAt;
  const status = options.previous
    ? carryTenantStatus(options.previous, options.tenant, tokenExpiresAt)
    : createTenantStatus(options.tenant, tokenExpiresAt);
  let memory = options.memory;
  // The digest of the answer that `memory` and `status.views` were made from: the same answer again changes neither.
  let answerDigest: string | undefined;
  const graph = {
    graphUrl: options.tenant.endpoints.graph,
    tokens: options.tokens,
    get: options.get,
    clock: options.clock,
    sleep: options.sleep,
    onResponse: (httpStatus: number) => {
      options.budget?.record(options.clock());
      options.recorders.recordGraphResponse(status, httpStatus);
    },
  };
  const severity = options.tenant.severity;
  const rule = severity ? options.shared.rules.severityRule(severity) : evaluateServiceHealth;
  const messages = options.tenant.events?.messages
    ? createMessageReader({ graph, recorders: options.recorders, log: options.log, clock: options.clock })
    : undefined;

  function overBudget(): PollResult | undefined {
    const waitMs = options.budget?.waitMs(options.clock()) ?? 0;
    if (waitMs === 0) return undefined;
    const message = `Graph request budget of this app in this tenant is spent: next poll in ${Math.ceil(waitMs / 1000)} s`;
    return { ok: false, error: new M365Error('REQUEST_BUDGET', message, { retryAfter: waitMs / 1000 }) };
  }

  /**
   * The message-center read comes after the health poll; whatever happens to it (an abort, a failure), the health
   * poll's changes are still reported and remembered.
   */
  async function readMessages(stepMemory: TenantMemory, request: FetchRequest) {
    try {
      return await messages!.read(status, stepMemory, request);
    } catch (error) {
      options.log.warn('message center read failed', {
        tenant: options.tenant.name,
        reason: toM365Error(error).message,
      });
      return undefined;
    }
  }

  async function fetchOnce(signal: AbortSignal): Promise<PollResult> {
    const started = options.clock();
    const timeout = startPollTimeout(options.tenant.timeoutMs);
    try {
      const request = {
        deadline: started + options.tenant.timeoutMs,
        signal: AbortSignal.any([signal, timeout.signal]),
      };
      const read = await readServiceHealth(graph, request, memory === undefined ? undefined : answerDigest);
      let changes: StatusChange[] = [];
      let updates: IssueUpdate[] = [];
      if (read.same) {
        // What a parse would have given: the same views and records, no change; only the time of the poll moves.
        memory = { ...memory!, polledAt: read.fetchedAt };
        status.lastSuccessAt = read.fetchedAt;
      } else {
        const { snapshot } = read;
        const views = evaluateSnapshot(snapshot, rule);
        const step = advanceMemory(memory, snapshot, views, options.shared.memory);
        status.views = retainViews(views, status.views, options.shared.views);
        status.lastSuccessAt = snapshot.fetchedAt;
        memory = step.memory;
        answerDigest = read.digest;
        ({ changes, updates } = step);
      }
      const center = messages ? await readMessages(memory, request) : undefined;
      if (center) memory = center.memory;
      return { ok: true, unchanged: read.same, changes, updates, messages: center?.updates };
    } catch (error) {
      const mapped = toM365Error(error);
      if (mapped.code === 'ABORTED' && timeout.signal.aborted)
        return { ok: false, error: toM365Error(timeout.signal.reason) };
      return { ok: false, error: mapped };
    } finally {
      timeout.clear();
      status.lastPollAt = options.clock();
      status.lastPollDurationMs = status.lastPollAt - started;
    }
  }

  return {
    status,
    memory: () => memory,
    async poll(signal) {
      const result = overBudget() ?? (await fetchOnce(signal));
      status.lastPollOk = result.ok;
      status.lastError = result.ok ? undefined : result.error;
      if (result.ok) {
        for (const update of result.updates) options.events.emitIssueUpdate(status, update);
        for (const change of result.changes) options.events.emitStatusChange(status, change);
        for (const update of result.messages ?? []) options.events.emitMessageUpdate(status, update);
        if (memory) await options.onMemory?.(memory);
        options.log.debug('poll ok', {
          tenant: options.tenant.name,
          unchanged: result.unchanged,
          changes: result.changes.length,
        });
      } else if (!signal.aborted) {
        options.recorders.recordPollError(status, result.error.code);
        options.log.warn('poll failed', {
          tenant: options.tenant.name,
          error: result.error.code,
          reason: result.error.message,
        });
      }
      return result;
    },
  };
}
