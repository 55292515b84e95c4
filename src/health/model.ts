/**
 * The decoded, typed view of one tenant's service health: what the Graph client returns and every pure
 * function of `health/` consumes. No I/O here.
 */

/** Documented `serviceHealthStatus` values, in Microsoft's camelCase, plus `other` for anything unknown. */
export const SERVICE_STATUSES = [
  'serviceOperational',
  'investigating',
  'restoringService',
  'verifyingService',
  'serviceRestored',
  'postIncidentReviewPublished',
  'serviceDegradation',
  'serviceInterruption',
  'extendedRecovery',
  'falsePositive',
  'investigationSuspended',
  'resolved',
  'mitigatedExternal',
  'mitigated',
  'resolvedExternal',
  'confirmed',
  'reported',
  'other',
] as const;

export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const CLASSIFICATIONS = ['advisory', 'incident', 'other'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** 0 ok, 1 warning, 2 critical, 3 unknown: the values of the `m365.service.health` gauge. */
export type Health = 0 | 1 | 2 | 3;
export const HEALTH_OK: Health = 0;
export const HEALTH_WARNING: Health = 1;
export const HEALTH_CRITICAL: Health = 2;
export const HEALTH_UNKNOWN: Health = 3;

export interface IssuePost {
  createdDateTime: string | undefined;
  postType: string | undefined;
  /** The post's content as sent (HTML for Graph). */
  content: string;
}

export interface Issue {
  id: string;
  title: string;
  impactDescription: string;
  classification: Classification;
  status: ServiceStatus;
  /** The status as Graph spelled it, for display. */
  rawStatus: string;
  service: string;
  feature: string | undefined;
  featureGroup: string | undefined;
  isResolved: boolean;
  startDateTime: string | undefined;
  endDateTime: string | undefined;
  lastModifiedDateTime: string | undefined;
  posts: IssuePost[];
}

export interface Service {
  /** Graph's service id, e.g. `Exchange` (odd casing kept). */
  id: string;
  /** Display name, e.g. `Exchange Online`. */
  name: string;
  status: ServiceStatus;
  /** The status as Graph spelled it, for display. */
  rawStatus: string;
  issues: Issue[];
}

/** Everything one successful poll of a tenant learned. */
export interface Snapshot {
  services: Service[];
  /** When the poll finished (ms since epoch). */
  fetchedAt: number;
}
