/**
 * Enumerations of Graph's service communications API as the simulator emits them (camelCase, like live Graph),
 * and how an open issue's status weighs on its service's status.
 */

/** `serviceHealthStatus` values a scenario may use. */
export const ISSUE_STATUSES: readonly string[] = Object.freeze([
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
]);

export const CLASSIFICATIONS: readonly string[] = Object.freeze(['advisory', 'incident']);
export const ORIGINS: readonly string[] = Object.freeze(['microsoft', 'thirdParty', 'customer']);

/** Statuses that close an issue: an initial issue in one of them is resolved unless told otherwise. */
export const CLOSING_STATUSES: ReadonlySet<string> = new Set([
  'serviceRestored',
  'postIncidentReviewPublished',
  'falsePositive',
  'resolved',
  'resolvedExternal',
]);

/** Weight of an open issue's status on its service: the heaviest open issue gives the service its status. */
const SEVERITY: Readonly<Record<string, number>> = {
  serviceInterruption: 100,
  serviceDegradation: 90,
  restoringService: 80,
  extendedRecovery: 70,
  verifyingService: 60,
  investigating: 50,
  confirmed: 45,
  reported: 40,
  investigationSuspended: 30,
  mitigated: 20,
  mitigatedExternal: 20,
};

/** Severity of a status for the service roll-up; statuses meaning "works" weigh nothing. */
export function statusSeverity(status: string): number {
  return SEVERITY[status] ?? 0;
}
