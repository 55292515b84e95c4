import { quoteValue, isPlainObject } from './describe-value.ts';
import { locatePath } from './locate.ts';
import { builtInPollTiming, inheritedFromDefaults, resolvePollTiming } from './poll-timing.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { cloudOf, resolveTenant } from './resolve-tenant.ts';
import type { TenantDefaults } from './resolve-tenant.ts';
import { sectionOf } from './setting.ts';
import type { TenantConfig } from './types.ts';

/**
 * Resolves the `defaults` section: poll interval 5m, timeout 30s and cloud `global` unless it says otherwise.
 * Its values are checked here, once, and tenants inheriting them are not reported again.
 */
export function resolveDefaults(raw: unknown, sink: ProblemSink): TenantDefaults {
  const section = sectionOf(raw);
  const timing = resolvePollTiming(section, ['defaults'], builtInPollTiming(), sink);
  return { timing: inheritedFromDefaults(timing, section), cloud: cloudOf(section['cloud'], 'global') };
}

/** Resolves every tenant, and reports tenant names used more than once, naming both entries. */
export function resolveTenants(raw: unknown, defaults: TenantDefaults, sink: ProblemSink): TenantConfig[] {
  if (!Array.isArray(raw)) return [];
  reportDuplicateNames(raw, sink);
  return raw
    .map((tenant, index) => resolveTenant(tenant, index, defaults, sink))
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
    const line = sink.source === undefined ? '' : ` (line ${locatePath(sink.source, ['tenants', first, 'name']).line})`;
    const message =
      `duplicate tenant name ${quoteValue(name)}: tenants[${first}]${line} has it too; ` + 'names must be unique';
    reportProblem(sink, ['tenants', index, 'name'], message);
  });
}
