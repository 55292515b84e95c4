import type { Service } from '../health/model.ts';
import type { EntryFilters } from './check-options.ts';
import { passesFilters, type FilterRegex } from './filter-regex.ts';

/** The services `list-services` shows: `--filter-name` and the service-name filters applied, sorted by id. */
export function selectListedServices(
  services: readonly Service[],
  filterName: FilterRegex | undefined,
  filters: EntryFilters,
): Service[] {
  return services
    .filter((service) => filterName === undefined || filterName.test(service.name))
    .filter((service) => passesFilters(service.name, filters.includeServiceName, filters.excludeServiceName))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Centreon's listing: `List services:` then `[service_id: X] [service_name: Y]` per service. Pure. */
export function formatServiceList(services: readonly Service[]): string {
  const lines = services.map((service) => `[service_id: ${service.id}] [service_name: ${service.name}]`);
  return ['List services:', ...lines].join('\n') + '\n';
}

/** The same listing as JSON: an array of `{service_id, service_name, status}`. Pure. */
export function formatServiceListJson(services: readonly Service[]): string {
  const rows = services.map((service) => ({
    service_id: service.id,
    service_name: service.name,
    status: service.rawStatus,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
