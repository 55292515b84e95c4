import { toM365Error } from '../errors.ts';
import { fetchServiceMessages } from '../graph/fetch-messages.ts';
import type { FetchRequest, GraphClientOptions } from '../graph/graph-client.ts';
import { advanceMessages, type TenantMemory } from '../health/memory.ts';
import type { MessageUpdate } from '../health/messages.ts';
import type { Log } from '../log.ts';
import type { Recorders } from '../telemetry/instruments.ts';
import type { TenantConfig } from '../config/types.ts';

/** Fetches a tenant's messages and compares them with `memory`; never rejects: a failure keeps `memory` as it was. */
export type ReadMessages = (
  memory: TenantMemory,
  request: FetchRequest,
) => Promise<{ memory: TenantMemory; updates: MessageUpdate[] }>;

/**
 * The message reader of one tenant, read after each good health poll. The message center is optional: a failure never
 * fails the health poll. It is logged as a warning and counted in `m365.poll.errors`; a 403 (no
 * ServiceMessage.Read.All) only once, until a read succeeds again, since it will not go away by itself.
 */
export function createMessageReader(
  tenant: TenantConfig,
  graph: GraphClientOptions,
  options: { recorders: Recorders; log: Log; clock: () => number },
): ReadMessages {
  let forbiddenReported = false;
  return async (memory, request) => {
    try {
      const messages = await fetchServiceMessages(graph, request);
      forbiddenReported = false;
      return advanceMessages(memory, messages, options.clock());
    } catch (error) {
      const mapped = toM365Error(error);
      const repeated = mapped.code === 'GRAPH_FORBIDDEN' && forbiddenReported;
      if (mapped.code !== 'ABORTED' && !repeated) {
        forbiddenReported ||= mapped.code === 'GRAPH_FORBIDDEN';
        options.recorders.recordPollError(tenant, mapped.code);
        options.log.warn('message center read failed', {
          tenant: tenant.name,
          error: mapped.code,
          reason: mapped.message,
        });
      }
      return { memory, updates: [] };
    }
  };
}
