import type { DiscoveredCustomer } from '../config/customer-sources.ts';
import type { CustomerSource } from '../config/types.ts';
import { toM365Error } from '../errors.ts';
import type { Log } from '../log.ts';
import type { SourceStatus } from '../observation/source-status.ts';
import { startLoop, SYSTEM_TIMERS, type Loop, type Timers } from './schedule.ts';
import { tokenKey } from './tenant-pollers.ts';

/** Lists the customers of a partner tenant, with the partner's settings; rejects when it cannot. */
export type ListCustomers = (
  partner: CustomerSource['partner'],
  signal: AbortSignal,
) => Promise<readonly DiscoveredCustomer[]>;

/** What discovery does with the lists once it runs. */
export interface DiscoveryRun {
  list: ListCustomers;
  /** Told when a source's list changed: the configuration is loaded again, with the new list, and its tenants applied. */
  onChange: (reason: string) => Promise<void>;
}

/** After a failed list, the next try comes this soon (or at the source's refresh, if sooner). */
const RETRY_AFTER_FAILURE_MS = 5 * 60_000;

interface Listed {
  /** The partner the list is of: a source that now names another partner does not use it. */
  readonly partnerKey: string;
  readonly customers: readonly DiscoveredCustomer[];
}

/**
 * The customers of the `delegated_admin_customers` sources, listed at start and then every `refresh` of each
 * source. A list that differs from the one before (a customer added, removed or renamed) reloads the configuration
 * through `onChange`, the path a changed file takes, so only the tenants that changed start or stop. A list that
 * cannot be read (no permission, the partner's sign-in failing, a page failing midway) is logged and the one before
 * is kept: the tenants already polled go on, and the list is tried again within five minutes.
 */
export class CustomerDiscovery {
  readonly #log: Log;
  readonly #timers: Timers;
  readonly #lists = new Map<number, Listed>();
  readonly #loops = new Map<number, { readonly partnerKey: string; readonly loop: Loop }>();
  readonly #statuses = new Map<number, SourceStatus>();
  readonly #controller = new AbortController();
  #sources: readonly CustomerSource[] = [];
  #run: DiscoveryRun | undefined;

  constructor(options: { log: Log; timers?: Timers }) {
    this.#log = options.log;
    this.#timers = options.timers ?? SYSTEM_TIMERS;
  }

  /** The customers last listed for `source`; undefined before its partner's list was read once. */
  customers(source: CustomerSource): readonly DiscoveredCustomer[] | undefined {
    const listed = this.#lists.get(source.index);
    return listed?.partnerKey === partnerKeyOf(source) ? listed.customers : undefined;
  }

  /** How the last list of each source went, in source order. */
  statuses(): readonly SourceStatus[] {
    return this.#sources.flatMap((source) => this.#statuses.get(source.index) ?? []);
  }

  /**
   * Takes the sources of a configuration just loaded (the whole of it, before a replica takes its share): a new
   * source, or one that names another partner, is listed now when discovery runs; one no longer there stops.
   */
  configure(sources: readonly CustomerSource[] | undefined): void {
    this.#sources = sources ?? [];
    const wanted = new Map(this.#sources.map((source) => [source.index, partnerKeyOf(source)]));
    for (const [index, { partnerKey, loop }] of this.#loops) {
      if (wanted.get(index) === partnerKey) continue;
      void loop.stop();
      this.#loops.delete(index);
    }
    for (const [index, listed] of this.#lists) if (wanted.get(index) !== listed.partnerKey) this.#lists.delete(index);
    for (const [index, status] of this.#statuses) {
      const source = this.#sources.find((each) => each.index === index);
      if (source?.partner.tenantId !== status.partner) this.#statuses.delete(index);
    }
    const run = this.#run;
    if (run) for (const source of this.#sources) if (!this.#loops.has(source.index)) this.#begin(source, run);
  }

  /** Lists every source now, once, then applies what changed (the agent's `--once`, and tests). Never rejects. */
  async refresh(run: Pick<DiscoveryRun, 'list'>): Promise<boolean> {
    const changed = await Promise.all(this.#sources.map((source) => this.#listOnce(source, run.list)));
    return changed.some(Boolean);
  }

  /** Lists every source now, and each again at its `refresh`, until {@link stop}. */
  start(run: DiscoveryRun): void {
    this.#run = run;
    for (const source of this.#sources) this.#begin(source, run);
  }

  /** Stops the schedule and aborts the lists in flight. */
  stop(): void {
    this.#controller.abort();
    for (const { loop } of this.#loops.values()) void loop.stop();
    this.#loops.clear();
    this.#run = undefined;
  }

  #begin(source: CustomerSource, run: DiscoveryRun): void {
    void this.#loops.get(source.index)?.loop.stop();
    const loop = startLoop(this.#timers, 0, async (signal, again) => {
      const current = this.#sources.find((each) => each.index === source.index) ?? source;
      const outcome = await this.#listOnce(current, run.list);
      if (signal.aborted) return;
      if (outcome === true) await run.onChange('delegated admin customers changed');
      again(outcome === undefined ? Math.min(current.refreshMs, RETRY_AFTER_FAILURE_MS) : current.refreshMs);
    });
    this.#loops.set(source.index, { partnerKey: partnerKeyOf(source), loop });
  }

  /** Lists one source: whether its list changed, undefined when it could not be read (the list before is kept). */
  async #listOnce(source: CustomerSource, list: ListCustomers): Promise<boolean | undefined> {
    const where = { source: `tenants_from[${source.index}]`, partner: source.partner.tenantId };
    let customers: DiscoveredCustomer[];
    try {
      customers = [...(await list(source.partner, this.#controller.signal))];
    } catch (error) {
      if (this.#controller.signal.aborted) return false;
      const mapped = toM365Error(error);
      this.#record(source, {
        lastFailureAt: this.#timers.now(),
        lastFailure: { code: mapped.code, message: mapped.message },
      });
      this.#log.error('cannot list the delegated admin customers; the tenants discovered before are kept', {
        ...where,
        error: mapped.code,
        reason: mapped.message,
      });
      return undefined;
    }
    customers.sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
    this.#record(source, { customers: customers.length, lastListedAt: this.#timers.now(), lastFailure: undefined });
    const before = this.customers(source);
    this.#lists.set(source.index, { partnerKey: partnerKeyOf(source), customers });
    if (before !== undefined && isSameList(before, customers)) {
      this.#log.debug('delegated admin customers unchanged', { ...where, customers: customers.length });
      return false;
    }
    const known = new Set(before?.map((customer) => customer.tenantId));
    const now = new Set(customers.map((customer) => customer.tenantId));
    this.#log.info('delegated admin customers listed', {
      ...where,
      customers: customers.length,
      new: customers.filter((customer) => !known.has(customer.tenantId)).length,
      gone: [...known].filter((id) => !now.has(id)).length,
    });
    return true;
  }

  #record(source: CustomerSource, change: Partial<SourceStatus>): void {
    const before = this.#statuses.get(source.index) ?? {
      source: `tenants_from[${source.index}]`,
      partner: source.partner.tenantId,
      customers: undefined,
      lastListedAt: undefined,
      lastFailureAt: undefined,
      lastFailure: undefined,
    };
    this.#statuses.set(source.index, Object.freeze({ ...before, ...change }));
  }
}

function partnerKeyOf(source: CustomerSource): string {
  return tokenKey(source.partner);
}

function isSameList(a: readonly DiscoveredCustomer[], b: readonly DiscoveredCustomer[]): boolean {
  return (
    a.length === b.length &&
    a.every((customer, i) => customer.tenantId === b[i].tenantId && customer.displayName === b[i].displayName)
  );
}
