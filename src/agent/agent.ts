import type { TenantConfig } from '../config/types.ts';
import type { PollResult, TenantPoller } from './tenant-poller.ts';
import type { Observation } from '../observation/observation.ts';
import { ObservationStore } from '../observation/observation-store.ts';
import { MAX_CONNECTIONS_PER_ORIGIN } from '../net/http-fetch.ts';
import { initialDelay, nextDelay, Semaphore, startLoop, SYSTEM_TIMERS, type Loop, type Timers } from './schedule.ts';

/**
 * Polls of one agent in flight at once, however many tenants it has. A poll makes its requests one after another.
 * Over HTTP/1.1 at most three then wait in the HTTP client's queue behind each connection (a short wait inside the
 * poll's timeout, where an unbounded fleet waited for minutes); over HTTP/2, which undici offers to the servers
 * that take it, a connection carries many requests at once and the bound is what limits the agent.
 */
export const MAX_POLLS_IN_FLIGHT = 4 * MAX_CONNECTIONS_PER_ORIGIN;

export interface AgentOptions {
  pollers: readonly TenantPoller[];
  /** How many polls run at once (default {@link MAX_POLLS_IN_FLIGHT}); the others wait for a place, in turn. */
  maxPollsInFlight?: number;
  /** Where the agent keeps each tenant's latest observation (default: a store of its own). */
  store?: ObservationStore;
  timers?: Timers;
  random?: () => number;
  /**
   * Told when a scheduled poll starts and when it was planned to start (clock ms): how late the scheduler runs,
   * waiting for a place among the polls in flight included.
   */
  onPollStart?: (tenant: TenantConfig, plannedAt: number, startedAt: number) => void;
  /** Told how a scheduled poll ended (not told of polls cut short by a stop or a restart). */
  onPollEnd?: (tenant: TenantConfig, result: PollResult) => void;
  /**
   * Told of each observation kept (`run --once` polls included); the poll ends once what it returns settles, so that
   * what it commits is saved when the poll has returned.
   */
  onObservation?: (observation: Observation) => Promise<void> | void;
}

/** What {@link Agent.reconcile} did, by tenant name. */
export interface ReconcileSummary {
  added: string[];
  removed: string[];
  /** Tenants whose poller was replaced (their settings changed). */
  restarted: string[];
  unchanged: number;
}

/** One tenant's place in the schedule: its loop while it runs. */
interface Slot {
  readonly poller: TenantPoller;
  loop?: Loop;
}

/**
 * Runs every tenant's poller on its own interval. Polls of one tenant never overlap (each next poll is scheduled
 * with `setTimeout` after the previous one ends); a slow or failing tenant never delays the others, except that at
 * most {@link MAX_POLLS_IN_FLIGHT} polls of all tenants run at once: a poll due waits for a place, in turn. The set of
 * pollers can change while it runs ({@link Agent.reconcile}). It is the only writer of its {@link ObservationStore}:
 * the tenants there are its pollers' tenants, each with the observation its current poller returned last.
 */
export class Agent {
  #slots = new Map<string, Slot>();
  readonly #store: ObservationStore;
  readonly #timers: Timers;
  readonly #random: () => number;
  /** The places of polls in flight, scheduled ones and {@link Agent.pollAll}'s alike. */
  readonly #places: Semaphore;
  readonly #listeners: Pick<AgentOptions, 'onPollStart' | 'onPollEnd' | 'onObservation'>;
  /** Loops stopped whose poll in flight has not settled yet. */
  readonly #stopping = new Set<Promise<void>>();
  #running = false;

  constructor(options: AgentOptions) {
    this.#places = new Semaphore(options.maxPollsInFlight ?? MAX_POLLS_IN_FLIGHT);
    for (const poller of options.pollers) this.#slots.set(poller.tenant.name, { poller });
    this.#store = options.store ?? new ObservationStore();
    this.#store.reset(options.pollers.map((poller) => poller.initial));
    this.#timers = options.timers ?? SYSTEM_TIMERS;
    this.#random = options.random ?? Math.random;
    // The listeners only: the options hold the first pollers, which a reload replaces.
    const { onPollStart, onPollEnd, onObservation } = options;
    this.#listeners = { onPollStart, onPollEnd, onObservation };
  }

  /** The latest observation of every tenant: a snapshot of the agent's store. */
  observations(): readonly Observation[] {
    return this.#store.observations();
  }

  /** Polls every tenant once outside the schedule (`run --once`) in the places of polls in flight. Never rejects. */
  async pollAll(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const polls: Promise<void>[] = [];
    // One place asked for at a time, in the tenants' order: the signal has one waiter, not one per tenant.
    for (const slot of this.#slots.values()) {
      const release = await this.#places.take(signal);
      if (release === undefined) break;
      polls.push(this.#pollIn(release, slot, signal).then((result) => this.#keep(slot, result)));
    }
    await Promise.all(polls);
  }

  /** Starts polling: tenants' first polls are spread to avoid a thundering herd. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#begin([...this.#slots.values()]);
  }

  /** Stops scheduling, aborts polls in flight and waits for them to settle. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const slot of this.#slots.values()) this.#halt(slot);
    await Promise.allSettled([...this.#stopping]);
  }

  /**
   * Makes `pollers` the agent's tenants, by tenant name: a poller already running is left alone (no new poll, same
   * schedule); a new name starts, and a new poller for a known name replaces the old one (its timer cleared, its
   * poll in flight aborted, its outcome dropped), their first polls spread as at start, their observations the new
   * pollers' initial ones; names no longer there stop and leave {@link observations}. The caller carries a replaced
   * tenant's memory and latest observation over into its new poller.
   */
  reconcile(pollers: readonly TenantPoller[]): ReconcileSummary {
    const summary: ReconcileSummary = { added: [], removed: [], restarted: [], unchanged: 0 };
    const next = new Map(pollers.map((poller) => [poller.tenant.name, poller]));
    for (const [name, slot] of this.#slots) {
      if (next.has(name)) continue;
      this.#halt(slot);
      summary.removed.push(name);
    }
    const slots = new Map<string, Slot>();
    const starting: Slot[] = [];
    const observations: Observation[] = [];
    for (const [name, poller] of next) {
      const old = this.#slots.get(name);
      if (old?.poller === poller) {
        slots.set(name, old);
        observations.push(this.#store.latest(name) ?? poller.initial);
        summary.unchanged++;
        continue;
      }
      if (old) this.#halt(old);
      (old ? summary.restarted : summary.added).push(name);
      const slot: Slot = { poller };
      slots.set(name, slot);
      observations.push(poller.initial);
      starting.push(slot);
    }
    this.#slots = slots;
    this.#store.reset(observations);
    if (this.#running) this.#begin(starting);
    return summary;
  }

  /** Keeps the observation a poll returned, unless its poller was replaced or removed while it polled. */
  async #keep(slot: Slot, result: PollResult): Promise<void> {
    if (this.#slots.get(slot.poller.tenant.name) !== slot) return;
    this.#store.put(result.observation);
    await this.#listeners.onObservation?.(result.observation);
  }

  #begin(slots: readonly Slot[]): void {
    slots.forEach((slot, index) => {
      const { tenant } = slot.poller;
      const delay = initialDelay(index, slots.length, tenant.intervalMs, this.#random);
      let plannedAt = this.#timers.now() + delay;
      let failures = 0;
      slot.loop = startLoop(this.#timers, delay, async (signal, again) => {
        const release = await this.#places.take(signal);
        if (release === undefined) return;
        this.#listeners.onPollStart?.(tenant, plannedAt, this.#timers.now());
        const result = await this.#pollIn(release, slot, signal);
        await this.#keep(slot, result);
        if (signal.aborted) return;
        this.#listeners.onPollEnd?.(tenant, result);
        const now = this.#timers.now();
        failures = result.ok ? 0 : failures + 1;
        const error = result.ok ? undefined : result.error;
        const next = nextDelay({
          plannedAt,
          now,
          intervalMs: tenant.intervalMs,
          error,
          consecutiveFailures: failures,
          random: this.#random,
        });
        plannedAt = now + next;
        again(next);
      });
    });
  }

  /** One poll of the slot's tenant in the place that `release` frees as the poll ends. */
  async #pollIn(release: () => void, slot: Slot, signal: AbortSignal): Promise<PollResult> {
    try {
      return await slot.poller.poll(signal);
    } finally {
      release();
    }
  }

  #halt(slot: Slot): void {
    const stopping = slot.loop?.stop();
    slot.loop = undefined;
    if (stopping === undefined) return;
    this.#stopping.add(stopping);
    void stopping.then(() => this.#stopping.delete(stopping));
  }
}
