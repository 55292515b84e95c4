import { findCatalogueService } from './catalogue.ts';
import { join, type ScenarioReader } from './scenario-reader.ts';
import type { Scenario, ScenarioTenant } from './scenario-schema.ts';

/** Checks what a single value cannot tell: unique names and ids, services and issues that exist, times in range. */
export function checkScenarioReferences(r: ScenarioReader, scenario: Scenario): void {
  const { tenants } = scenario;
  checkUnique(r, 'tenants', tenants, { name: 'tenant name', tenant_id: 'tenant id', domain: 'domain' });
  tenants.forEach((tenant, i) => {
    const path = join('tenants', i);
    checkUnique(r, `${path}.clients`, tenant.clients, { client_id: 'client id' });
    checkUnique(r, `${path}.issues`, tenant.issues, { id: 'issue id' });
    checkUnique(r, `${path}.messages`, tenant.messages, { id: 'message id' });
    tenant.issues.forEach((issue, j) => checkService(r, `${path}.issues[${j}].service`, issue.service, tenant));
  });
  const known = new Map(tenants.map((t) => [t.name, { tenant: t, ids: new Set(t.issues.map((x) => x.id)) }]));
  const order = scenario.timeline.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.atMs - b.entry.atMs);
  for (const { entry, index } of order) {
    const path = join('timeline', index);
    if (scenario.loopMs !== undefined && entry.atMs >= scenario.loopMs) {
      r.fail(join(path, 'at'), `must be before the end of the loop (${scenario.loopMs / 1000}s)`);
    }
    for (const name of entry.tenants) {
      const { tenant, ids } = known.get(name) ?? {};
      if (!tenant || !ids) r.fail(join(path, 'tenant'), `unknown tenant '${name}'`);
      else if (entry.action.type === 'open') {
        const { id, service } = entry.action.issue;
        if (ids.has(id)) r.fail(`${path}.open.id`, `issue '${id}' already exists in tenant '${name}'`);
        checkService(r, `${path}.open.service`, service, tenant);
        ids.add(id);
      } else if (!ids.has(entry.action.id)) {
        const message = `issue '${entry.action.id}' is not opened before this point in tenant '${name}'`;
        r.fail(`${path}.${entry.action.type}.id`, message);
      }
    }
  }
}

/** Each field (by its YAML key, and what it is called in the message) has no value twice in the list. */
function checkUnique<T extends object>(r: ScenarioReader, path: string, items: readonly T[], fields: object): void {
  for (const [key, what] of Object.entries(fields) as [string, string][]) {
    const name = key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as keyof T;
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      const value = item[name];
      if (value !== undefined && seen.has(value))
        r.fail(`${path}[${i}].${key}`, `duplicate ${what} '${String(value)}'`);
      seen.add(value);
    });
  }
}

function checkService(r: ScenarioReader, path: string, id: string, tenant: ScenarioTenant): void {
  if (!findCatalogueService(id)) r.fail(path, `unknown service id '${id}'`);
  else if (!tenant.services.includes(id)) {
    r.fail(path, `service '${id}' is not among the services of tenant '${tenant.name}'`);
  }
}
