import { CONFIG_DEFAULTS } from './defaults.ts';
import { quoteValue, isPlainObject, describePlace, reportProblem, type ProblemSink } from './problems.ts';
import {
  builtInPollTiming,
  inheritedFromDefaults,
  resolvePollTiming,
  cloudOf,
  resolveTenant,
  type TenantContext,
  type TenantDefaults,
  type TenantSources,
} from './tenant.ts';
import { sectionOf, type Environment } from './values.ts';
import type { HttpSettings, TenantConfig } from './types.ts';

/**
 * Resolves the `defaults` section: the built-in poll timing and cloud ({@link CONFIG_DEFAULTS}) unless it says otherwise.
 * Its values are checked here, once, and tenants inheriting them are not reported again.
 */
export function resolveDefaults(raw: unknown, sink: ProblemSink): TenantDefaults {
  const section = sectionOf(raw);
  const timing = resolvePollTiming(section, ['defaults'], builtInPollTiming(), sink);
  return {
    timing: inheritedFromDefaults(timing, section),
    cloud: cloudOf(section['cloud'], CONFIG_DEFAULTS.tenant.cloud),
    cloudWritten: section['cloud'] !== undefined,
  };
}

/**
 * Resolves every tenant, and reports tenant names used more than once, naming both entries. The Azure SDK variables
 * (`env`) apply only when there is a single tenant: with several, they could only be right for one of them.
 */
export function resolveTenants(
  raw: unknown,
  defaults: TenantDefaults,
  shared: { http: HttpSettings; sources: Omit<TenantSources, 'azureEnv'>; env: Environment },
  sink: ProblemSink,
): TenantConfig[] {
  if (!Array.isArray(raw)) return [];
  reportDuplicateNames(raw, sink);
  const azureEnv = raw.length === 1 ? shared.env : undefined;
  const context: TenantContext = { http: shared.http, sources: { ...shared.sources, azureEnv } };
  return raw
    .map((tenant, index) => resolveTenant(tenant, index, defaults, context, sink))
    .filter((tenant) => tenant !== undefined);
}

function reportDuplicateNames(tenants: readonly unknown[], sink: ProblemSink): void {
  const firstIndex = new Map<string, number>();
  tenants.forEach((tenant, index) => {
    const name = isPlainObject(tenant) ? tenant['name'] : undefined;
    if (typeof name !== 'string') return;
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, index);
      return;
    }
    const at = ['tenants', index, 'name'];
    const other = describePlace(sink, ['tenants', first], at, ['name']);
    reportProblem(sink, at, `duplicate tenant name ${quoteValue(name)}: ${other} has it too; names must be unique`);
  });
}
