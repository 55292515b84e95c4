import type { Issue, Service, ServiceStatus } from '../health/model.ts';
import { displayStatus } from '../health/status.ts';
import { passesClassification, passesServiceName, relevantIssues, type EntryVariables } from './check-entries.ts';
import type { EntryFilters } from './check-options.ts';

/** A row of the legacy output: a service or one of its features, with its display status. */
export interface LegacyRow {
  readonly name: string;
  /** Admin-center label, e.g. `Normal service`. */
  readonly status: string;
  readonly variables: EntryVariables;
}

/** A service as the retired Management API showed it: its own row, then its features sorted by name. */
export interface LegacyService {
  readonly service: LegacyRow;
  readonly features: readonly LegacyRow[];
}

/** Feature lists of the retired API's `/Services`, keyed by Graph service id (Graph's `featureGroup` names). */
export const LEGACY_FEATURE_CATALOGUE: Readonly<Record<string, readonly string[]>> = Object.freeze({
  exchange: ['Sign-in', 'E-Mail and calendar access', 'E-Mail timely delivery', 'Management and Provisioning', 'Voice mail'],
  lync: ['Audio and Video', 'Federation', 'Management and Provisioning', 'Sign-In', 'All Features', 'Dial-In Conferencing', 'Online Meetings', 'Instant Messaging', 'Presence', 'Mobility'],
  sharepoint: ['Provisioning', 'SharePoint Features', 'Tenant Admin', 'Search and Delve', 'Custom Solutions and Workflows', 'Project Online', 'Office Web Apps', 'SP Designer', 'Access Services', 'InfoPath Online'],
  forms: ['Service', 'Form functionality', 'Integration'],
  stream: ['Playback', 'Live Events', 'Stream website'],
  planner: ['Planner'],
  bookings: ['Microsoft Bookings'],
});

/** Statuses from worst to best, to pick the status a feature shows when several issues touch it. */
const WORST_FIRST: readonly ServiceStatus[] = [
  'serviceInterruption', 'serviceDegradation', 'extendedRecovery', 'restoringService', 'investigating',
  'verifyingService', 'investigationSuspended', 'confirmed', 'reported', 'mitigated', 'mitigatedExternal', 'other',
  'postIncidentReviewPublished', 'serviceRestored', 'resolved', 'resolvedExternal', 'falsePositive', 'serviceOperational',
];

const NORMAL = displayStatus('serviceOperational', 'serviceOperational');

/** The issue with the worst status, the first one on a tie; undefined for none. */
export function worstIssue(issues: readonly Issue[]): Issue | undefined {
  let worst: Issue | undefined;
  for (const issue of issues) {
    if (worst === undefined || WORST_FIRST.indexOf(issue.status) < WORST_FIRST.indexOf(worst.status)) worst = issue;
  }
  return worst;
}

/**
 * The legacy view of the selected services: each service's row with its display status, and its features —
 * the legacy catalogue's plus every feature group of its relevant issues — each with the worst status of those
 * issues (`Normal service` when none), filtered by `--filter-feature-name` and sorted by name.
 */
export function buildLegacyServices(services: readonly Service[], filters: EntryFilters): LegacyService[] {
  return services.filter((service) => passesServiceName(service, filters)).map((service) => buildLegacyService(service, filters));
}

function buildLegacyService(service: Service, filters: EntryFilters): LegacyService {
  const status = displayStatus(service.status, service.rawStatus);
  const common = { service_name: service.name, service_id: service.id };
  const issues = relevantIssues(service, filters).filter((issue) => passesClassification(issue, filters));
  const features = featureNames(service, issues)
    .filter((name) => filters.featureName === undefined || filters.featureName.test(name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => buildFeatureRow(name, issues, common));
  return {
    service: { name: service.name, status, variables: Object.freeze({ ...common, status, feature_name: '', feature_group: '' }) },
    features,
  };
}

function featureNames(service: Service, issues: readonly Issue[]): string[] {
  const byLowerName = new Map<string, string>();
  const catalogue = LEGACY_FEATURE_CATALOGUE[service.id.toLowerCase()] ?? [];
  for (const name of [...catalogue, ...issues.map((issue) => issue.featureGroup)]) {
    if (name !== undefined && !byLowerName.has(name.toLowerCase())) byLowerName.set(name.toLowerCase(), name);
  }
  return [...byLowerName.values()];
}

function buildFeatureRow(name: string, issues: readonly Issue[], common: Record<string, string>): LegacyRow {
  const worst = worstIssue(issues.filter((issue) => issue.featureGroup?.toLowerCase() === name.toLowerCase()));
  const status = worst === undefined ? NORMAL : displayStatus(worst.status, worst.rawStatus);
  const issueVariables: Record<string, string> = worst === undefined ? {} : {
    classification: worst.classification,
    issue_id: worst.id,
    issue_title: worst.title,
    issue_status: worst.rawStatus,
    issue_startDateTime: worst.startDateTime ?? '-',
  };
  return { name, status, variables: Object.freeze({ ...common, ...issueVariables, status, feature_name: name, feature_group: name }) };
}
