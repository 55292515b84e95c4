import type { Issue, Service } from './model.ts';
import { STATUSES_WORST_FIRST } from './status.ts';

/**
 * Feature lists of the retired Management API's `/Services`, keyed by lower-cased Graph service id. They are
 * Graph's `featureGroup` names, so a service shows these groups even when no issue names them.
 */
export const LEGACY_FEATURE_CATALOGUE: Readonly<Record<string, readonly string[]>> = Object.freeze({
  exchange: [
    'Sign-in',
    'E-Mail and calendar access',
    'E-Mail timely delivery',
    'Management and Provisioning',
    'Voice mail',
  ],
  lync: [
    'Audio and Video',
    'Federation',
    'Management and Provisioning',
    'Sign-In',
    'All Features',
    'Dial-In Conferencing',
    'Online Meetings',
    'Instant Messaging',
    'Presence',
    'Mobility',
  ],
  sharepoint: [
    'Provisioning',
    'SharePoint Features',
    'Tenant Admin',
    'Search and Delve',
    'Custom Solutions and Workflows',
    'Project Online',
    'Office Web Apps',
    'SP Designer',
    'Access Services',
    'InfoPath Online',
  ],
  forms: ['Service', 'Form functionality', 'Integration'],
  stream: ['Playback', 'Live Events', 'Stream website'],
  planner: ['Planner'],
  bookings: ['Microsoft Bookings'],
});

/** The issue with the worst status, the first one on a tie; undefined for none. */
export function worstIssue(issues: readonly Issue[]): Issue | undefined {
  let worst: Issue | undefined;
  for (const issue of issues) {
    if (worst === undefined || STATUSES_WORST_FIRST.indexOf(issue.status) < STATUSES_WORST_FIRST.indexOf(worst.status))
      worst = issue;
  }
  return worst;
}

/**
 * The feature groups of a service: those of the legacy catalogue first, then those named by `issues`, each once
 * (compared ignoring case, the first spelling kept), in that order.
 */
export function listFeatureGroups(service: Pick<Service, 'id'>, issues: readonly Issue[]): string[] {
  const byLowerName = new Map<string, string>();
  const catalogue = LEGACY_FEATURE_CATALOGUE[service.id.toLowerCase()] ?? [];
  for (const name of [...catalogue, ...issues.map((issue) => issue.featureGroup)]) {
    if (name !== undefined && !byLowerName.has(name.toLowerCase())) byLowerName.set(name.toLowerCase(), name);
  }
  return [...byLowerName.values()];
}

/** The issues whose feature group is `group`, compared ignoring case. */
export function issuesOfGroup(issues: readonly Issue[], group: string): Issue[] {
  const lower = group.toLowerCase();
  return issues.filter((issue) => issue.featureGroup?.toLowerCase() === lower);
}
