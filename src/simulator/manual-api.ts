import { M365Error } from '../errors.ts';
import { CLASSIFICATIONS, findCatalogueService, ISSUE_STATUSES, ORIGINS } from './catalogue.ts';
import { currentState, type SimContext } from './context.ts';
import type { IssueFields, IssuePatch, ScenarioCustomer, ScenarioTenant } from './scenario-schema.ts';
import { definedFields } from './timeline.ts';
import { GUID } from '../shared/identifiers.ts';

/** An issue to open through the programmatic API; everything but the service has a default. */
export interface OpenIssueInput extends Partial<Omit<IssueFields, 'id' | 'service' | 'post'>> {
  /** Default: the service's prefix and a fresh number (`EX900001`). */
  readonly id?: string;
  /** Catalogue service id, e.g. `Exchange`. */
  readonly service: string;
  readonly post?: string;
}

/**
 * Changes made through the programmatic API, tenants named by scenario name, GUID or domain: each is validated (a
 * mistake throws `SCENARIO_INVALID`) and applies from now on, as a manual event of the tenant's state.
 */
export function manualApi(ctx: SimContext) {
  const patchIssue = (type: 'update' | 'resolve', tenantKey: string, id: string, patch: IssuePatch) => {
    const tenant = requireTenant(ctx, tenantKey);
    const exists = currentState(ctx, tenant).issues.some((x) => x.id === id);
    if (!exists) fail(`issue '${id}' does not exist in tenant '${tenant.name}'`);
    checkPatch(patch);
    ctx.manual.push({ type, at: ctx.clock(), tenant: tenant.name, id, patch });
  };
  return {
    /** Opens an issue now; returns its id. */
    openIssue(tenantKey: string, input: OpenIssueInput): string {
      const tenant = requireTenant(ctx, tenantKey);
      const service = findCatalogueService(input.service);
      if (!service || !tenant.services.includes(service.id)) fail(notAmong(input.service, tenant));
      const existing = new Set(currentState(ctx, tenant).issues.map((x) => x.id));
      let n = 900001;
      while (input.id === undefined && existing.has(`${service.issuePrefix}${n}`)) n++;
      const id = input.id ?? `${service.issuePrefix}${n}`;
      if (existing.has(id)) fail(`issue '${id}' already exists in tenant '${tenant.name}'`);
      checkPatch(input);
      checkEnum(input.origin, ORIGINS, 'origin');
      const title = input.title ?? `Users may be unable to use some ${service.name} features`;
      const defaults = { classification: 'advisory', status: 'investigating', origin: 'microsoft', feature: null };
      const issue: IssueFields = {
        ...{
          ...defaults,
          id,
          service: service.id,
          title,
          impactDescription: title,
          featureGroup: null,
          post: undefined,
        },
        ...definedFields(input),
      };
      ctx.manual.push({ type: 'open', at: ctx.clock(), tenant: tenant.name, issue });
      return id;
    },
    updateIssue: (tenant: string, id: string, patch: IssuePatch) => patchIssue('update', tenant, id, patch),
    resolveIssue: (tenant: string, id: string, patch: IssuePatch = {}) => patchIssue('resolve', tenant, id, patch),
    /** Forces a service's status from now on (null goes back to the status derived from its issues). */
    setServiceStatus(tenantKey: string, serviceId: string, status: string | null): void {
      const tenant = requireTenant(ctx, tenantKey);
      if (!tenant.services.includes(serviceId)) fail(notAmong(serviceId, tenant));
      if (status !== null) checkEnum(status, ISSUE_STATUSES, 'status');
      ctx.manual.push({ type: 'override', at: ctx.clock(), tenant: tenant.name, service: serviceId, status });
    },
    /**
     * Adds a customer to a partner tenant from now on: it is listed by the delegated admin customers after those of
     * the scenario. Its tenant need not be in the scenario (Entra then answers that the tenant does not exist).
     */
    addCustomer(partnerKey: string, customer: ScenarioCustomer): void {
      const partner = requireTenant(ctx, partnerKey);
      if (!GUID.test(customer.tenantId)) fail(`customer tenant id '${customer.tenantId}' is not a GUID`);
      const added = ctx.addedCustomers.get(partner.name) ?? [];
      const tenantId = customer.tenantId.toLowerCase();
      if ([...partner.customers, ...added].some((c) => c.tenantId === tenantId))
        fail(`tenant '${partner.name}' already has customer ${tenantId}`);
      ctx.addedCustomers.set(partner.name, [...added, { tenantId, displayName: customer.displayName }]);
    },
  };
}

/** The scenario tenant named by its scenario name, GUID or domain. */
export function requireTenant(ctx: SimContext, key: string): ScenarioTenant {
  return ctx.play.tenant(key) ?? fail(`unknown tenant '${key}'`);
}

function checkPatch(patch: IssuePatch): void {
  checkEnum(patch.classification, CLASSIFICATIONS, 'classification');
  checkEnum(patch.status, ISSUE_STATUSES, 'status');
}

function checkEnum(value: string | undefined, values: readonly string[], what: string): void {
  if (value !== undefined && !values.includes(value)) {
    fail(`unknown ${what} '${value}' (expected one of: ${values.join(', ')})`);
  }
}

function notAmong(serviceId: string, tenant: ScenarioTenant): string {
  return `service '${serviceId}' is not among the services of tenant '${tenant.name}'`;
}

function fail(message: string): never {
  throw new M365Error('SCENARIO_INVALID', message);
}
