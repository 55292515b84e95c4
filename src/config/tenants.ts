import { parseExpression } from '../health/expression/compile.ts';
import type { SeverityTexts } from '../health/severity-rules.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import {
  describePlace,
  isPlainObject,
  type PathSegment,
  type ProblemSink,
  quoteValue,
  reportProblem,
} from './problems.ts';
import {
  builtInPollTiming,
  cloudOf,
  inheritedFromDefaults,
  resolvePollTiming,
  resolveTenant,
  type TenantContext,
  type TenantDefaults,
} from './tenant.ts';
import type { CredentialSources } from './credentials.ts';
import type { HttpSettings, TenantConfig, TenantEvents } from './types.ts';
import { type Environment, sectionOf } from './values.ts';

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

/** `events.<name>.enabled` of a section, or `fallback` when it does not say. */
function readEvents(raw: unknown, fallback: TenantEvents): TenantEvents {
  const enabled = sectionOf(sectionOf(raw)['messages'])['enabled'];
  return { messages: typeof enabled === 'boolean' ? enabled : fallback.messages };
}

/**
 * Adds the telemetry settings to resolved tenants: `severity` (the tenant's keys, then `defaults.severity`, then
 * the built-in rule; left out when no section sets any) and `events` (the tenant's `events`, then the top-level
 * `events`; left out while message-center events are off, the default). `tenants` are those resolved from the
 * mappings of `root.tenants`, in order. Expressions are parsed to report their problems, and kept as texts.
 */
export function applyTenantTelemetry(
  tenants: readonly TenantConfig[],
  root: Readonly<Record<string, unknown>>,
  sink: ProblemSink,
): TenantConfig[] {
  const defaults = readSeverity(sectionOf(root['defaults'])['severity'], ['defaults', 'severity'], sink);
  const events = readEvents(root['events'], CONFIG_DEFAULTS.events);
  const raws: readonly unknown[] = Array.isArray(root['tenants']) ? root['tenants'] : [];
  const entries = raws.map((raw, index) => ({ raw, index })).filter((entry) => isPlainObject(entry.raw));
  return tenants.map((tenant, position) => {
    const entry = entries[position];
    const raw = sectionOf(entry?.raw);
    const own = readSeverity(raw['severity'], ['tenants', entry?.index ?? position, 'severity'], sink);
    const severity = mergeSeverity(own, defaults);
    const tenantEvents = readEvents(raw['events'], events);
    return { ...tenant, ...(severity ? { severity } : {}), ...(tenantEvents.messages ? { events: tenantEvents } : {}) };
  });
}

const KEYS = ['critical', 'warning'] as const;

/**
 * The expressions a `severity` section (`defaults.severity` or `tenants[i].severity`) sets, each parsed: a syntax
 * error is a problem at the key, naming the position in the expression; an empty text is allowed and never matches.
 */
function readSeverity(raw: unknown, at: readonly PathSegment[], sink: ProblemSink): Partial<SeverityTexts> {
  const section = sectionOf(raw);
  const texts: { -readonly [K in keyof SeverityTexts]?: string } = {};
  for (const key of KEYS) {
    const text = section[key];
    if (typeof text !== 'string') continue;
    const parsed = parseExpression(text);
    if (parsed.ok) texts[key] = text;
    else reportProblem(sink, [...at, key], `invalid expression: ${parsed.error.message}`);
  }
  return texts;
}

/**
 * The rules of a tenant: each key from the tenant's section, else from `defaults.severity`, else the built-in
 * expression. `undefined` when neither section sets anything: the agent then uses the built-in rule as code.
 */
function mergeSeverity(tenant: Partial<SeverityTexts>, defaults: Partial<SeverityTexts>): SeverityTexts | undefined {
  if (Object.keys(tenant).length === 0 && Object.keys(defaults).length === 0) return undefined;
  const fallback = CONFIG_DEFAULTS.tenant.severity;
  return {
    critical: tenant.critical ?? defaults.critical ?? fallback.critical,
    warning: tenant.warning ?? defaults.warning ?? fallback.warning,
  };
}
