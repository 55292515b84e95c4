import { M365Error } from '../errors.ts';
import { findCatalogueService } from './catalogue.ts';
import { currentState, findTenantByAnyName, type SimContext } from './context.ts';
import type { IssueFields, IssuePatch, ScenarioTenant } from './scenario-schema.ts';
import type { ManualEvent } from './derive-state.ts';
import { CLASSIFICATIONS, ISSUE_STATUSES, ORIGINS } from './statuses.ts';

/** An issue to open through the programmatic API; everything but the service has a default. */
export interface OpenIssueInput {
  /** Default: the service's prefix and a fresh number (`EX900001`). */
  readonly id?: string;
  /** Catalogue service id, e.g. `Exchange`. */
  readonly service: string;
  readonly classification?: string;
  readonly status?: string;
  readonly origin?: string;
  readonly title?: string;
  readonly impactDescription?: string;
  readonly feature?: string | null;
  readonly featureGroup?: string | null;
  readonly post?: string;
}

type OpenEvent = ManualEvent & { type: 'open' };

/** Validates an issue to open now and returns the event; throws `SCENARIO_INVALID` on a mistake. */
export function buildOpenEvent(ctx: SimContext, tenantKey: string, input: OpenIssueInput): OpenEvent {
  const tenant = requireTenant(ctx, tenantKey);
  const service = findCatalogueService(input.service);
  if (!service || !tenant.services.includes(service.id)) fail(notAmong(input.service, tenant));
  const existing = new Set(currentState(ctx, tenant.name).issues.map((x) => x.id));
  const id = input.id ?? freshId(service.issuePrefix, existing);
  if (existing.has(id)) fail(`issue '${id}' already exists in tenant '${tenant.name}'`);
  checkPatch(input);
  const title = input.title ?? `Users may be unable to use some ${service.name} features`;
  const issue: IssueFields = {
    id,
    service: service.id,
    classification: input.classification ?? 'advisory',
    status: input.status ?? 'investigating',
    origin: checkEnum(input.origin, ORIGINS, 'origin') ?? 'microsoft',
    title,
    impactDescription: input.impactDescription ?? title,
    feature: input.feature ?? null,
    featureGroup: input.featureGroup ?? null,
    post: input.post,
  };
  return { type: 'open', at: ctx.clock(), tenant: tenant.name, issue };
}

/** Validates an update or resolution of an existing issue and returns the event. */
export function buildPatchEvent(
  ctx: SimContext,
  type: 'update' | 'resolve',
  tenantKey: string,
  id: string,
  patch: IssuePatch,
): ManualEvent {
  const tenant = requireTenant(ctx, tenantKey);
  const exists = currentState(ctx, tenant.name).issues.some((x) => x.id === id);
  if (!exists) fail(`issue '${id}' does not exist in tenant '${tenant.name}'`);
  checkPatch(patch);
  return { type, at: ctx.clock(), tenant: tenant.name, id, patch };
}

/** Validates an explicit service status (null returns to the derived one) and returns the event. */
export function buildOverrideEvent(
  ctx: SimContext,
  tenantKey: string,
  serviceId: string,
  status: string | null,
): ManualEvent {
  const tenant = requireTenant(ctx, tenantKey);
  if (!tenant.services.includes(serviceId)) fail(notAmong(serviceId, tenant));
  if (status !== null) checkEnum(status, [...ISSUE_STATUSES], 'status');
  return { type: 'override', at: ctx.clock(), tenant: tenant.name, service: serviceId, status };
}

/** The scenario tenant named by its scenario name, GUID or domain. */
export function requireTenant(ctx: SimContext, key: string): ScenarioTenant {
  return findTenantByAnyName(ctx.index, key) ?? fail(`unknown tenant '${key}'`);
}

function checkPatch(patch: IssuePatch): void {
  checkEnum(patch.classification, CLASSIFICATIONS, 'classification');
  checkEnum(patch.status, ISSUE_STATUSES, 'status');
}

function checkEnum(value: string | undefined, values: readonly string[], what: string): string | undefined {
  if (value !== undefined && !values.includes(value)) {
    fail(`unknown ${what} '${value}' (expected one of: ${values.join(', ')})`);
  }
  return value;
}

function notAmong(serviceId: string, tenant: ScenarioTenant): string {
  return `service '${serviceId}' is not among the services of tenant '${tenant.name}'`;
}

function freshId(prefix: string, existing: ReadonlySet<string>): string {
  let n = 900001;
  while (existing.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

function fail(message: string): never {
  throw new M365Error('SCENARIO_INVALID', message);
}
