import {
  CLASSIFICATIONS,
  HEALTH_CRITICAL,
  HEALTH_OK,
  HEALTH_WARNING,
  SERVICE_STATUSES,
  type Classification,
  type Health,
  type Service,
  type ServiceStatus,
} from './model.ts';

/**
 * A parser of Graph's spellings of `values`: camelCase live and PascalCase in the docs, found without lower-casing a
 * copy first, then any other case; anything unknown is `other`.
 */
function parserOf<T extends string>(values: readonly T[]): (raw: unknown) => T | 'other' {
  const bySpelling = new Map(
    values.flatMap((v) => [[v, v] as const, [v.charAt(0).toUpperCase() + v.slice(1), v] as const]),
  );
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v]));
  return (raw) =>
    typeof raw === 'string' ? (bySpelling.get(raw) ?? byLower.get(raw.toLowerCase()) ?? 'other') : 'other';
}

/** Maps Graph's status spelling (PascalCase in docs, camelCase live) to the catalogue; unknown → `other`. */
export const parseServiceStatus: (raw: unknown) => ServiceStatus = parserOf(SERVICE_STATUSES);

/** Maps a classification case-insensitively; unknown → `other`. */
export const parseClassification: (raw: unknown) => Classification = parserOf(CLASSIFICATIONS);

/** Values Microsoft documents as "reserved for future use". */
const RESERVED_STATUSES: ReadonlySet<ServiceStatus> = new Set<ServiceStatus>([
  'resolved',
  'mitigatedExternal',
  'mitigated',
  'resolvedExternal',
  'confirmed',
  'reported',
]);

/**
 * The states of the `m365.service.status` state set: every status Microsoft documents as in use, plus `other`.
 * The values documented as "reserved for future use" (resolved, mitigated, confirmed, …) count as `other`, which
 * keeps the state set at 12 series per service.
 */
export const STATE_SET_STATUSES: readonly ServiceStatus[] = Object.freeze(
  SERVICE_STATUSES.filter((status) => !RESERVED_STATUSES.has(status)),
);

/** Statuses that mean the service works: nothing to warn about. */
export const HEALTHY_STATUSES: ReadonlySet<ServiceStatus> = new Set<ServiceStatus>([
  'serviceOperational',
  'serviceRestored',
  'postIncidentReviewPublished',
  'falsePositive',
]);

/** Admin-center labels, what the retired Management API returned as `StatusDisplayName`. */
export const STATUS_DISPLAY_NAMES: Readonly<Partial<Record<ServiceStatus, string>>> = {
  serviceOperational: 'Normal service',
  investigating: 'Investigating',
  serviceDegradation: 'Service degradation',
  serviceInterruption: 'Service interruption',
  restoringService: 'Restoring service',
  extendedRecovery: 'Extended recovery',
  investigationSuspended: 'Investigation suspended',
  serviceRestored: 'Service restored',
  falsePositive: 'False positive',
  postIncidentReviewPublished: 'Post-incident report published',
  verifyingService: 'Verifying service',
};

/** The admin-center label of a status, or Graph's own spelling when there is none. */
export function displayStatus(status: ServiceStatus, raw: string): string {
  return STATUS_DISPLAY_NAMES[status] ?? raw;
}

/**
 * Default health of a service: ok for the healthy states; critical for an interruption, and for a degradation
 * while an unresolved incident is open; warning otherwise. Advisories alone never make a service critical.
 */
export function evaluateServiceHealth(service: Service): Health {
  if (HEALTHY_STATUSES.has(service.status)) return HEALTH_OK;
  if (service.status === 'serviceInterruption') return HEALTH_CRITICAL;
  if (service.status === 'serviceDegradation' && hasOpenIncident(service)) return HEALTH_CRITICAL;
  return HEALTH_WARNING;
}

/** Whether the service has an unresolved issue classified as an incident. */
export function hasOpenIncident(service: Service): boolean {
  return service.issues.some((issue) => !issue.isResolved && issue.classification === 'incident');
}

/** The service's unresolved issues, in the API's order. */
export function openIssues(service: Service): Service['issues'] {
  return service.issues.filter((issue) => !issue.isResolved);
}
