import type { LogRecord } from '@opentelemetry/api';
import type { ServiceView } from '../health/evaluate.ts';
import {
  advanceFleet,
  beginFleet,
  sightingsOfMemory,
  sightingsOfViews,
  touchedIssues,
  type FleetIssueUpdate,
  type FleetMemory,
  type IssueSighting,
} from '../health/fleet-issues.ts';
import type { TenantMemory } from '../health/memory.ts';
import type { Observation } from '../observation/observation.ts';
import type { Ledger } from './tenant-ledger.ts';
import type { SavedState } from './state-store.ts';

/** The fleet's key in the ledger and the outbox: no tenant name may start with `@`. */
export const FLEET_KEY = '@fleet';

/**
 * The issues of an agent's tenants taken together: which tenants show each one open, and the fleet's memory of
 * them, whose steps are committed with their events through a ledger (one transition, one write).
 */
export interface Fleet {
  /** Counts what a tenant's restored memory shows open, before its first poll. */
  restoreTenant(name: string, memory: TenantMemory | undefined): void;
  /**
   * Ends the restore at start: a fleet that had no memory takes what its tenants showed as its baseline (no
   * event); issues remembered that no tenant shows any more are resolved.
   */
  begin(): void;
  /**
   * Takes a tenant's latest observation in; costs nothing when its views are those it had (most polls). Resolves
   * once the step it made, if any, is committed.
   */
  observe(observation: Observation): Promise<void>;
  /** Tenants removed from the configuration: they stop counting. */
  forget(names: readonly string[]): void;
}

/** What a {@link Fleet} is made with. */
export interface FleetOptions {
  readonly ledger: Ledger<FleetMemory>;
  /** What the fleet's state file held; undefined when it had none. */
  readonly saved: SavedState<FleetMemory> | undefined;
  readonly clock: () => number;
  readonly record: (update: FleetIssueUpdate) => LogRecord;
}

interface TenantSide {
  /** The views the sightings were read from: the same views again are the same sightings. */
  views: readonly ServiceView[] | undefined;
  sightings: ReadonlyMap<string, IssueSighting> | undefined;
  /** No memory was restored: its first views are its baseline. */
  fresh: boolean;
}

/** What of the fleet's memory is saved: all of it (a step that changed nothing writes nothing). */
export function fleetParts(memory: FleetMemory): readonly unknown[] {
  return [memory.baselineAt, memory.sequence, memory.issues];
}

/** Creates the fleet of one agent. */
export function createFleet(options: FleetOptions): Fleet {
  const { ledger, clock } = options;
  let memory = ledger.restore(FLEET_KEY, options.saved) ?? beginFleet(clock());
  let beginning = options.saved === undefined;
  const tenants = new Map<string, TenantSide>();
  const affected = new Map<string, Set<string>>();
  const nobody: ReadonlySet<string> = new Set();
  const affectedBy = (id: string): ReadonlySet<string> => affected.get(id) ?? nobody;

  function count(tenant: string, id: string, shows: boolean): void {
    const set = affected.get(id);
    if (shows) {
      if (set) set.add(tenant);
      else affected.set(id, new Set([tenant]));
    } else if (set?.delete(tenant) && set.size === 0) affected.delete(id);
  }

  /** Advances the memory at once (the next step starts from it), and commits it with its events. */
  function advance(
    tenant: string,
    sightings: TenantSide['sightings'],
    touched: readonly string[],
    baseline = false,
  ): Promise<void> {
    const step = advanceFleet(memory, { tenant, sightings, touched, affected: affectedBy, now: clock(), baseline });
    memory = step.memory;
    return ledger.commit(FLEET_KEY, memory, step.updates.map(options.record));
  }

  /** Moves a tenant to `sightings`; advances the fleet unless `quiet` (a restore that only counts). */
  function move(tenant: string, side: TenantSide, sightings: TenantSide['sightings'], quiet = false) {
    const touched = touchedIssues(side.sightings, sightings);
    side.sightings = sightings;
    if (touched.length === 0) return Promise.resolve();
    for (const id of touched) count(tenant, id, sightings?.has(id) ?? false);
    return quiet ? Promise.resolve() : advance(tenant, sightings, touched, side.fresh);
  }

  return {
    restoreTenant(name, restored) {
      const side: TenantSide = { views: undefined, sightings: undefined, fresh: restored === undefined };
      tenants.set(name, side);
      if (restored === undefined) return;
      const sightings = sightingsOfMemory(restored.issues);
      const touched = touchedIssues(undefined, sightings);
      void move(name, side, sightings, true);
      if (beginning) void advance(name, sightings, touched, true);
    },
    begin() {
      beginning = false;
      const orphans = Object.keys(memory.issues).filter((id) => !affected.has(id));
      if (orphans.length > 0) void advance('', undefined, orphans);
    },
    observe(observation) {
      const name = observation.tenant.name;
      const { views } = observation;
      const side = tenants.get(name) ?? { views: undefined, sightings: undefined, fresh: true };
      tenants.set(name, side);
      if (views === undefined || views === side.views) return Promise.resolve();
      side.views = views;
      const committed = move(name, side, sightingsOfViews(views));
      side.fresh = false;
      return committed;
    },
    forget(names) {
      for (const name of names) {
        const side = tenants.get(name);
        if (!side) continue;
        tenants.delete(name);
        void move(name, { ...side, fresh: false }, undefined);
      }
    },
  };
}
