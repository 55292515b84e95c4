import { findCatalogueService } from './catalogue.ts';
import { join, type ScenarioReader } from './scenario-reader.ts';
import type { Scenario, ScenarioTenant } from './scenario-schema.ts';

/** Checks what a single value cannot tell: unique names and ids, services and issues that exist, times in range. */
export function checkScenarioReferences(r: ScenarioReader, scenario: Scenario): void {
  checkUnique(
    r,
    scenario.tenants.map((t) => t.name),
    (i) => `tenants[${i}].name`,
    'tenant name',
  );
  checkUnique(
    r,
    scenario.tenants.map((t) => t.tenantId),
    (i) => `tenants[${i}].tenant_id`,
    'tenant id',
  );
  const domains = scenario.tenants.map((t) => t.domain);
  checkUnique(r, domains, (i) => `tenants[${i}].domain`, 'domain');
  scenario.tenants.forEach((tenant, i) => checkTenant(r, tenant, `tenants[${i}]`));
  checkTimeline(r, scenario);
}

function checkUnique(
  r: ScenarioReader,
  values: (string | undefined)[],
  path: (i: number) => string,
  what: string,
): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (value === undefined) return;
    if (seen.has(value)) r.fail(path(i), `duplicate ${what} '${value}'`);
    seen.add(value);
  });
}

function checkTenant(r: ScenarioReader, tenant: ScenarioTenant, path: string): void {
  const clientIds = tenant.clients.map((c) => c.clientId);
  checkUnique(r, clientIds, (i) => `${path}.clients[${i}].client_id`, 'client id');
  checkUnique(
    r,
    tenant.issues.map((x) => x.id),
    (i) => `${path}.issues[${i}].id`,
    'issue id',
  );
  checkUnique(
    r,
    tenant.messages.map((x) => x.id),
    (i) => `${path}.messages[${i}].id`,
    'message id',
  );
  tenant.issues.forEach((issue, i) => {
    checkService(r, `${path}.issues[${i}].service`, issue.service, tenant);
  });
}

function checkTimeline(r: ScenarioReader, scenario: Scenario): void {
  const known = new Map(scenario.tenants.map((t) => [t.name, new Set(t.issues.map((x) => x.id))]));
  const order = scenario.timeline.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.atMs - b.entry.atMs);
  for (const { entry, index } of order) {
    const path = join('timeline', index);
    if (scenario.loopMs !== undefined && entry.atMs >= scenario.loopMs) {
      r.fail(join(path, 'at'), `must be before the end of the loop (${scenario.loopMs / 1000}s)`);
    }
    for (const name of entry.tenants) {
      const ids = known.get(name);
      const tenant = scenario.tenants.find((t) => t.name === name);
      if (!ids || !tenant) {
        r.fail(join(path, 'tenant'), `unknown tenant '${name}'`);
        continue;
      }
      checkAction(r, entry.action, path, tenant, ids);
    }
  }
}

function checkAction(
  r: ScenarioReader,
  action: Scenario['timeline'][number]['action'],
  path: string,
  tenant: ScenarioTenant,
  ids: Set<string>,
): void {
  if (action.type === 'open') {
    const at = `${path}.open`;
    if (ids.has(action.issue.id)) {
      r.fail(`${at}.id`, `issue '${action.issue.id}' already exists in tenant '${tenant.name}'`);
    }
    checkService(r, `${at}.service`, action.issue.service, tenant);
    ids.add(action.issue.id);
    return;
  }
  if (!ids.has(action.id)) {
    const message = `issue '${action.id}' is not opened before this point in tenant '${tenant.name}'`;
    r.fail(`${path}.${action.type}.id`, message);
  }
}

function checkService(r: ScenarioReader, path: string, id: string, tenant: ScenarioTenant): void {
  if (!findCatalogueService(id)) r.fail(path, `unknown service id '${id}'`);
  else if (!tenant.services.includes(id)) {
    r.fail(path, `service '${id}' is not among the services of tenant '${tenant.name}'`);
  }
}
