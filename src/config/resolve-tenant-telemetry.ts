import type { CompileCache } from './compile-cache.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { isPlainObject, type ProblemSink } from './problems.ts';
import { compileSeverity, mergeSeverity } from './resolve-severity.ts';
import { sectionOf } from './values.ts';
import type { TenantEvents, TenantConfig } from './types.ts';

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
