import { buildEntryVariables, NO_ISSUE, type EntryVariables } from '../health/entry-variables.ts';
import type { Issue, Service } from '../health/model.ts';
import type { EntryFilters } from './check-options.ts';
import { passesFilters } from './filter-regex.ts';

export type { EntryVariables } from '../health/entry-variables.ts';

/** What the plugin output says about an entry's issue: `[issue: classification, id, start, title]`. */
export interface EntryIssue {
  readonly classification: string;
  readonly id: string;
  readonly startDateTime: string;
  readonly title: string;
}

/** One line of the check: an open issue of a service, or a service that has none. */
export interface CheckEntry {
  readonly serviceName: string;
  /** The service's status as Graph spells it. */
  readonly status: string;
  readonly issue: EntryIssue;
  readonly variables: EntryVariables;
}

/** The service's issues that count: resolved ones left out unless asked for. */
export function relevantIssues(service: Service, filters: EntryFilters): Issue[] {
  return service.issues.filter((issue) => !(filters.excludeResolved && issue.isResolved));
}

/** Whether an issue's classification passes `--include-classification` / `--exclude-classification`. */
export function passesClassification(issue: Issue, filters: EntryFilters): boolean {
  return passesFilters(issue.classification, filters.includeClassification, filters.excludeClassification);
}

/** Whether a service's name passes `--include-service-name` / `--exclude-service-name`. */
export function passesServiceName(service: Service, filters: EntryFilters): boolean {
  return passesFilters(service.name, filters.includeServiceName, filters.excludeServiceName);
}

/**
 * The entries of a check, in the API's order: one per relevant issue of each selected service, or one for the
 * service itself when it has no relevant issue (a service whose issues are all resolved stays, with its own
 * status). A service whose relevant issues are all of excluded classifications is left out, as in Centreon.
 */
export function buildCheckEntries(services: readonly Service[], filters: EntryFilters): CheckEntry[] {
  const entries: CheckEntry[] = [];
  for (const service of services) {
    if (!passesServiceName(service, filters)) continue;
    const issues = relevantIssues(service, filters);
    if (issues.length === 0) {
      entries.push(createEntry(service, undefined));
      continue;
    }
    for (const issue of issues) {
      if (passesClassification(issue, filters)) entries.push(createEntry(service, issue));
    }
  }
  return entries;
}

function createEntry(service: Service, issue: Issue | undefined): CheckEntry {
  const shown: EntryIssue = {
    classification: issue?.classification ?? NO_ISSUE,
    id: issue?.id ?? NO_ISSUE,
    startDateTime: issue?.startDateTime ?? NO_ISSUE,
    title: issue?.title ?? NO_ISSUE,
  };
  return {
    serviceName: service.name,
    status: service.rawStatus,
    issue: shown,
    variables: buildEntryVariables(service, issue),
  };
}
