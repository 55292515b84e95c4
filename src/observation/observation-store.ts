import type { Observation } from './observation.ts';

/**
 * The latest observation of each tenant of one agent, by tenant name. The agent is its only writer: it sets the
 * tenants it polls (added, replaced by a poller with new settings, removed) and puts the observation each of their
 * polls returns. Telemetry and the status endpoint read {@link observations}, a snapshot.
 */
export class ObservationStore {
  #latest = new Map<string, Observation>();
  /** The snapshot handed out since the last change, shared by every reader until the next one. */
  #snapshot: readonly Observation[] | undefined;

  /** Makes `observations` the tenants kept, in that order, in place of all kept before. */
  reset(observations: readonly Observation[]): void {
    this.#latest = new Map(observations.map((observation) => [observation.tenant.name, observation]));
    this.#snapshot = undefined;
  }

  /** Keeps `observation` as its tenant's latest, in place of the one before. */
  put(observation: Observation): void {
    this.#latest.set(observation.tenant.name, observation);
    this.#snapshot = undefined;
  }

  /** The latest observation of the tenant named `name`, if it is kept. */
  latest(name: string): Observation | undefined {
    return this.#latest.get(name);
  }

  /**
   * The latest observation of every tenant kept, in order: a frozen array that later changes leave as it is. Made
   * once per change, of references only: ten thousand tenants cost an array of ten thousand, not a copy of their views.
   */
  observations(): readonly Observation[] {
    this.#snapshot ??= Object.freeze([...this.#latest.values()]);
    return this.#snapshot;
  }
}
