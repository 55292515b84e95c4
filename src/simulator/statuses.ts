/**
 * Graph's `serviceHealthStatus` values a scenario may use, in Graph's order: the weight of an open issue's status on
 * its service (the heaviest open issue gives the service its status; statuses meaning "works" weigh nothing), and
 * whether the status closes an issue (an initial issue in one is resolved unless told otherwise).
 */
const TABLE = `
serviceOperational           0
investigating               50
restoringService            80
verifyingService            60
serviceRestored              0  closes
postIncidentReviewPublished  0  closes
serviceDegradation          90
serviceInterruption        100
extendedRecovery            70
falsePositive                0  closes
investigationSuspended      30
resolved                     0  closes
mitigatedExternal           20
mitigated                   20
resolvedExternal             0  closes
confirmed                   45
reported                    40`;

const ROWS = TABLE.trim()
  .split('\n')
  .map((line) => line.split(/\s+/));
const SEVERITY = new Map(ROWS.map(([status, weight]) => [status, Number(weight)]));

export const ISSUE_STATUSES: readonly string[] = Object.freeze(ROWS.map(([status]) => status));
export const CLOSING_STATUSES: ReadonlySet<string> = new Set(ROWS.filter((row) => row[2]).map(([status]) => status));
export const CLASSIFICATIONS: readonly string[] = Object.freeze(['advisory', 'incident']);
export const ORIGINS: readonly string[] = Object.freeze(['microsoft', 'thirdParty', 'customer']);

/** Severity of a status for the service roll-up. */
export function statusSeverity(status: string): number {
  return SEVERITY.get(status) ?? 0;
}
