/** Which requests a fault hits: a path prefix and/or a tenant (by scenario name, GUID or domain). */
export interface FaultMatch {
  /** Only requests whose path starts with this (e.g. `/v1.0/`, `/11111111-…/oauth2`). */
  readonly path?: string;
  readonly tenant?: string;
  /** How many requests it hits; default 1, `Infinity` until cleared. */
  readonly count?: number;
}

/** An HTTP error, Graph- or Entra-shaped after the path, with an optional `Retry-After` (seconds or HTTP-date). */
export interface StatusFault extends FaultMatch {
  readonly status: 429 | 500 | 502 | 503 | 504;
  readonly retryAfter?: string;
}

/** A broken body: an HTML page, JSON cut in the middle, nothing, or text announced as JSON. */
export interface BodyFault extends FaultMatch {
  readonly body: 'html' | 'truncated' | 'empty' | 'not-json';
  readonly status?: number;
}

/** Never answers, until the simulator closes. */
export interface HangFault extends FaultMatch {
  readonly hang: true;
}

/** Destroys the connection without an answer. */
export interface ResetFault extends FaultMatch {
  readonly reset: true;
}

/** Makes the tenant's tokens expire, then serves the request normally. */
export interface ExpireTokensFault extends FaultMatch {
  readonly expireTokens: true;
}

export type Fault = StatusFault | BodyFault | HangFault | ResetFault | ExpireTokensFault;

/** A queued fault, to see how many hits it has left or to withdraw it. */
export interface FaultHandle {
  readonly remaining: () => number;
  readonly cancel: () => void;
}

interface QueuedFault {
  readonly fault: Fault;
  /** Scenario name of the tenant it is limited to. */
  readonly tenant: string | undefined;
  remaining: number;
}

/** Faults waiting for the requests they match, oldest first. */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  /** Queues a fault; `tenant` is the scenario name the fault's tenant resolved to. */
  add(fault: Fault, tenant: string | undefined): FaultHandle {
    const count = fault.count ?? 1;
    if (!(count >= 1)) throw new RangeError(`fault count must be at least 1, got ${String(fault.count)}`);
    const entry: QueuedFault = { fault, tenant, remaining: count };
    this.#queue.push(entry);
    return {
      remaining: () => entry.remaining,
      cancel: () => {
        entry.remaining = 0;
        this.#queue = this.#queue.filter((e) => e !== entry);
      },
    };
  }

  /** The first fault matching this request, counted as used. */
  take(path: string, tenant: string | undefined): Fault | undefined {
    const entry = this.#queue.find(
      (e) =>
        (e.fault.path === undefined || path.startsWith(e.fault.path)) &&
        (e.tenant === undefined || e.tenant === tenant),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue = this.#queue.filter((e) => e !== entry);
    return entry.fault;
  }

  clear(): void {
    for (const entry of this.#queue) entry.remaining = 0;
    this.#queue = [];
  }
}

/** A short name of the fault, for the request log. */
export function describeFault(fault: Fault): string {
  if ('hang' in fault) return 'hang';
  if ('reset' in fault) return 'reset';
  if ('expireTokens' in fault) return 'expireTokens';
  if ('body' in fault) return `body:${fault.body}`;
  return `status:${fault.status}`;
}
