import type { CompiledExpression } from '../health/expression/index.ts';
import type { SeverityRules } from '../health/severity-rules.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { describePlace, isPlainObject, type ProblemSink, quoteValue, reportProblem } from './problems.ts';
import type { CompileCache } from './schema.ts';
import {
  builtInPollTiming,
  cloudOf,
  inheritedFromDefaults,
  resolvePollTiming,
  resolveTenant,
  type TenantContext,
  type TenantDefaults,
  type TenantSources,
} from './tenant.ts';
import type { HttpSettings, TenantConfig, TenantEvents } from './types.ts';
import { type Environment, sectionOf } from './values.ts';
import type { PathSegment } from './yaml-source.ts';

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

/** `events.<name>.enabled` of a section, or `fallback` when it does not say. */
function readEvents(raw: unknown, fallback: TenantEvents): TenantEvents {
  const enabled = sectionOf(sectionOf(raw)['messages'])['enabled'];
  return { messages: typeof enabled === 'boolean' ? enabled : fallback.messages };
}

/**
 * Adds the telemetry settings to resolved tenants: `severity` (the tenant's keys, then `defaults.severity`, then
 * the built-in rule; left out when no section sets any) and `events` (the tenant's `events`, then the top-level
 * `events`; left out while message-center events are off, the default). `tenants` are those resolved from the
 * mappings of `root.tenants`, in order. Expressions are compiled through `cache`.
 */
export function applyTenantTelemetry(
  tenants: readonly TenantConfig[],
  root: Readonly<Record<string, unknown>>,
  sink: ProblemSink,
  cache: CompileCache,
): TenantConfig[] {
  const defaults = compileSeverity(sectionOf(root['defaults'])['severity'], ['defaults', 'severity'], sink, cache);
  const events = readEvents(root['events'], CONFIG_DEFAULTS.events);
  const raws: readonly unknown[] = Array.isArray(root['tenants']) ? root['tenants'] : [];
  const entries = raws.map((raw, index) => ({ raw, index })).filter((entry) => isPlainObject(entry.raw));
  return tenants.map((tenant, position) => {
    const entry = entries[position];
    const raw = sectionOf(entry?.raw);
    const own = compileSeverity(raw['severity'], ['tenants', entry?.index ?? position, 'severity'], sink, cache);
    const severity = mergeSeverity(own, defaults, cache);
    const tenantEvents = readEvents(raw['events'], events);
    return { ...tenant, ...(severity ? { severity } : {}), ...(tenantEvents.messages ? { events: tenantEvents } : {}) };
  });
}

/** The keys a `severity` section sets, compiled; a key left out is absent. */
type SeverityOverrides = Partial<SeverityRules>;

const KEYS = ['critical', 'warning'] as const;

/**
 * Compiles the expressions of a `severity` section (`defaults.severity` or `tenants[i].severity`) through `cache`. A
 * syntax error is a problem at the key, naming the position in the expression; an empty text is allowed and never
 * matches.
 */
function compileSeverity(
  raw: unknown,
  at: readonly PathSegment[],
  sink: ProblemSink,
  cache: CompileCache,
): SeverityOverrides {
  const section = sectionOf(raw);
  const compiled: { -readonly [K in keyof SeverityRules]?: CompiledExpression } = {};
  for (const key of KEYS) {
    const text = section[key];
    if (typeof text !== 'string') continue;
    try {
      compiled[key] = cache.expression(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      reportProblem(sink, [...at, key], `invalid expression: ${reason}`);
    }
  }
  return compiled;
}

/**
 * The rules of a tenant: each key from the tenant's section, else from `defaults.severity`, else the built-in
 * expression (`cache`'s). `undefined` when neither section sets anything: the agent then uses the built-in rule as
 * code.
 */
function mergeSeverity(
  tenant: SeverityOverrides,
  defaults: SeverityOverrides,
  cache: CompileCache,
): SeverityRules | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  const fallback = cache.builtInSeverity();
  return {
    critical: tenant.critical ?? defaults.critical ?? fallback.critical,
    warning: tenant.warning ?? defaults.warning ?? fallback.warning,
  };
}
