import type { TokenProvider } from '../auth/token-provider.ts';
import { M365Error, toM365Error } from '../errors.ts';
import { fetchServiceHealth } from '../graph/graph-client.ts';
import type { StatusChange } from '../health/changes.ts';
import type { IssueUpdate } from '../health/issue-updates.ts';
import { advanceMemory, type TenantMemory } from '../health/memory.ts';
import { evaluateSnapshot } from '../health/evaluate.ts';
import type { Snapshot } from '../health/model.ts';
import type { Log } from '../log.ts';
import type { EventEmitter } from '../telemetry/events.ts';
import type { Recorders } from '../telemetry/instruments.ts';
import type { RequestBudget } from './request-budget.ts';
import { createTenantStatus, type TenantStatus } from './tenant-status.ts';
import type { TenantConfig } from '../config/types.ts';

/** A failed poll is data, not an exception. */
export type PollResult =
  | { ok: true; snapshot: Snapshot; changes: StatusChange[]; updates: IssueUpdate[] }
  | { ok: false; error: M365Error };

export interface TenantPollerOptions {
  tenant: TenantConfig;
  tokens: TokenProvider;
  fetch: typeof fetch;
  clock: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  recorders: Recorders;
  events: EventEmitter;
  log: Log;
  /** What was remembered of this tenant before (restored state); undefined on a first start. */
  memory?: TenantMemory;
  /** Called after each good poll with the memory to keep. */
  onMemory?: (memory: TenantMemory) => void;
  /** Graph's request limits for this app in this tenant, shared by the tenants that use the same app. */
  budget?: RequestBudget;
}

/** Polls one tenant: fetch → evaluate → detect changes → emit, and keeps its {@link TenantStatus}. */
export interface TenantPoller {
  readonly status: TenantStatus;
  /** One poll; never rejects. */
  poll(signal: AbortSignal): Promise<PollResult>;
}

/** Creates the poller of one tenant. */
export function createTenantPoller(options: TenantPollerOptions): TenantPoller {
  const status = createTenantStatus(options.tenant, () => options.tokens.expiresAt);
  let memory = options.memory;
  const graph = {
    graphUrl: options.tenant.endpoints.graph,
    tokens: options.tokens,
    fetch: options.fetch,
    clock: options.clock,
    sleep: options.sleep,
    onResponse: (httpStatus: number) => {
      options.budget?.record(options.clock());
      options.recorders.recordGraphResponse(status, httpStatus);
    },
  };

  function overBudget(): PollResult | undefined {
    const waitMs = options.budget?.waitMs(options.clock()) ?? 0;
    if (waitMs === 0) return undefined;
    const message = `Graph request budget of this app in this tenant is spent: next poll in ${Math.ceil(waitMs / 1000)} s`;
    return { ok: false, error: new M365Error('REQUEST_BUDGET', message, { retryAfter: waitMs / 1000 }) };
  }

  async function fetchOnce(signal: AbortSignal): Promise<PollResult> {
    const started = options.clock();
    const timeout = AbortSignal.timeout(options.tenant.timeoutMs);
    try {
      const snapshot = await fetchServiceHealth(graph, {
        deadline: started + options.tenant.timeoutMs,
        signal: AbortSignal.any([signal, timeout]),
      });
      const views = evaluateSnapshot(snapshot);
      const step = advanceMemory(memory, snapshot, views);
      memory = step.memory;
      status.views = views;
      status.lastSuccessAt = snapshot.fetchedAt;
      return { ok: true, snapshot, changes: step.changes, updates: step.updates };
    } catch (error) {
      const mapped = toM365Error(error);
      if (mapped.code === 'ABORTED' && timeout.aborted) return { ok: false, error: toM365Error(timeout.reason) };
      return { ok: false, error: mapped };
    } finally {
      status.lastPollAt = options.clock();
      status.lastPollDurationMs = status.lastPollAt - started;
    }
  }

  return {
    status,
    async poll(signal) {
      const result = overBudget() ?? (await fetchOnce(signal));
      status.lastPollOk = result.ok;
      status.lastError = result.ok ? undefined : result.error;
      if (result.ok) {
        for (const update of result.updates) options.events.emitIssueUpdate(status, update);
        for (const change of result.changes) options.events.emitStatusChange(status, change);
        if (memory) options.onMemory?.(memory);
        options.log.debug('poll ok', { tenant: options.tenant.name, services: result.snapshot.services.length, changes: result.changes.length });
      } else if (!signal.aborted) {
        options.recorders.recordPollError(status, result.error.code);
        options.log.warn('poll failed', { tenant: options.tenant.name, error: result.error.code, reason: result.error.message });
      }
      return result;
    },
  };
}
