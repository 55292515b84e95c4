import type { Issue, Service } from './model.ts';

/** Values of the `%{…}` variables of one entry; `-` stands for "no issue", as in Centreon. */
export type EntryVariables = Readonly<Record<string, string>>;

/** What an issue variable holds on an entry that has no issue. */
export const NO_ISSUE = '-';

/**
 * The variables a status or severity expression reads for one entry: a service with one of its issues, or the
 * service alone. `status` is the service's status as Graph spells it; `issue_status` the issue's.
 */
export function buildEntryVariables(service: Service, issue: Issue | undefined): EntryVariables {
  return Object.freeze({
    status: service.rawStatus,
    service_name: service.name,
    service_id: service.id,
    classification: issue?.classification ?? NO_ISSUE,
    issue_title: issue?.title ?? NO_ISSUE,
    issue_startDateTime: issue?.startDateTime ?? NO_ISSUE,
    issue_id: issue?.id ?? NO_ISSUE,
    issue_status: issue?.rawStatus ?? NO_ISSUE,
    issue_resolved: issue?.isResolved === true ? '1' : '0',
    feature_name: issue?.feature ?? NO_ISSUE,
    feature_group: issue?.featureGroup ?? NO_ISSUE,
  });
}

/** Names of the variables {@link buildEntryVariables} sets, in the order the documentation lists them. */
export const ENTRY_VARIABLE_NAMES: readonly string[] = Object.freeze(
  Object.keys(buildEntryVariables({ id: '', name: '', status: 'other', rawStatus: '', issues: [] }, undefined)),
);
