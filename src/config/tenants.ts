import { CONFIG_DEFAULTS } from './defaults.ts';
import { BUILT_IN_POLL_TIMING, inheritedFromDefaults, resolvePollTiming } from './poll-timing.ts';
import { describePlace, isPlainObject, type ProblemSink, quoteValue, reportProblem } from './problems.ts';
import { cloudOf, readEvents, readSeverity, resolveTenant, type TenantContext, type TenantDefaults } from './tenant.ts';
import type { CredentialSources } from './credentials.ts';
import type { HttpSettings, TenantConfig } from './types.ts';
import { type Environment, sectionOf } from './values.ts';

/**
 * What every tenant inherits: the `defaults` section over the built-in poll timing, cloud and severity rule
 * ({@link CONFIG_DEFAULTS}), and the top-level `events`. Its values are checked here, once, and tenants inheriting
 * them are not reported again.
 */
export function resolveDefaults(root: Readonly<Record<string, unknown>>, sink: ProblemSink): TenantDefaults {
  const section = sectionOf(root['defaults']);
  const timing = resolvePollTiming(section, ['defaults'], BUILT_IN_POLL_TIMING, sink);
  return {
    timing: inheritedFromDefaults(timing, section),
    cloud: cloudOf(section['cloud'], CONFIG_DEFAULTS.tenant.cloud),
    cloudWritten: section['cloud'] !== undefined,
    severity: readSeverity(section['severity'], ['defaults', 'severity'], sink),
    events: readEvents(root['events'], CONFIG_DEFAULTS.events),
  };
}

/**
 * Resolves every tenant, and reports tenant names used more than once, naming both entries. The Azure SDK variables
 * (`env`) apply only when there is a single tenant: with several, they could only be right for one of them.
 */
export function resolveTenants(
  raw: unknown,
  defaults: TenantDefaults,
  shared: { http: HttpSettings; sources: Omit<CredentialSources, 'azureEnv'>; env: Environment },
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
