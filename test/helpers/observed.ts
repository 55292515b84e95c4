import type { TenantConfig } from '../../src/config/types.ts';
import { startObservation, type Observation } from '../../src/observation/observation.ts';

/** A frozen observation of `tenant`: nothing yet, but for `fields`. */
export function observed(tenant: TenantConfig, fields: Partial<Omit<Observation, 'tenant'>> = {}): Observation {
  return Object.freeze({ ...startObservation(tenant, undefined), ...fields });
}
