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

interface StatusTraits {
  /** The admin-center label, what the retired Management API returned as `StatusDisplayName`. */
  readonly label?: string;
  /** The service works: nothing to warn about. */
  readonly healthy?: true;
  /** Documented by Microsoft as "reserved for future use". */
  readonly reserved?: true;
}

/** Every status from worst to best, which picks the status a feature shows when several issues touch it. */
const STATUS_TRAITS: Readonly<Record<ServiceStatus, StatusTraits>> = {
  serviceInterruption: { label: 'Service interruption' },
  serviceDegradation: { label: 'Service degradation' },
  extendedRecovery: { label: 'Extended recovery' },
  restoringService: { label: 'Restoring service' },
  investigating: { label: 'Investigating' },
  verifyingService: { label: 'Verifying service' },
  investigationSuspended: { label: 'Investigation suspended' },
  confirmed: { reserved: true },
  reported: { reserved: true },
  mitigated: { reserved: true },
  mitigatedExternal: { reserved: true },
  other: {},
  postIncidentReviewPublished: { label: 'Post-incident report published', healthy: true },
  serviceRestored: { label: 'Service restored', healthy: true },
  resolved: { reserved: true },
  resolvedExternal: { reserved: true },
  falsePositive: { label: 'False positive', healthy: true },
  serviceOperational: { label: 'Normal service', healthy: true },
};

/** Statuses from worst to best. */
export const STATUSES_WORST_FIRST = Object.freeze(Object.keys(STATUS_TRAITS) as ServiceStatus[]);

/**
 * The states of the `m365.service.status` state set: every status Microsoft documents as in use, plus `other`.
 * The values documented as "reserved for future use" (resolved, mitigated, confirmed, …) count as `other`, which
 * keeps the state set at 12 series per service.
 */
export const STATE_SET_STATUSES: readonly ServiceStatus[] = Object.freeze(
  SERVICE_STATUSES.filter((status) => STATUS_TRAITS[status].reserved !== true),
);

/** The admin-center label of a status, or Graph's own spelling when there is none. */
export function displayStatus(status: ServiceStatus, raw: string): string {
  return STATUS_TRAITS[status].label ?? raw;
}

/**
 * Default health of a service: ok for the healthy states; critical for an interruption, and for a degradation
 * while an unresolved incident is open; warning otherwise. Advisories alone never make a service critical.
 */
export function evaluateServiceHealth(service: Service): Health {
  if (STATUS_TRAITS[service.status].healthy === true) return HEALTH_OK;
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
