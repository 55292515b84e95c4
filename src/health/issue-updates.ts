import type { SharedRecords } from './interner.ts';
import type { Classification, Issue, ServiceStatus, Snapshot } from './model.ts';

/** What is remembered of an issue to tell a new version from one already reported. */
export interface IssueVersion {
  lastModified: string;
  status: ServiceStatus;
  classification: Classification;
  isResolved: boolean;
}

export type IssueUpdateKind = 'opened' | 'updated' | 'resolved';

/** An issue appeared, changed or resolved since the last poll. */
export interface IssueUpdate {
  kind: 'issue_update';
  update: IssueUpdateKind;
  serviceId: string;
  serviceName: string;
  issue: Issue;
  /** The version reported before, if any. */
  previous: IssueVersion | undefined;
  /**
   * `<stamp>/<issue>@<lastModified>:<classification>:<status>:<open|resolved>`: unique per update of the tenant's
   * history, the same when the update is detected again.
   */
  eventId: string;
  at: number;
}

/** The version of an issue as it will be remembered. */
export function issueVersion(issue: Issue): IssueVersion {
  return {
    lastModified: issue.lastModifiedDateTime ?? '',
    status: issue.status,
    classification: issue.classification,
    isResolved: issue.isResolved,
  };
}

/** What makes two issue versions the same: every field. */
export const issueVersionKey = (version: IssueVersion) =>
  `${version.lastModified}\u0000${version.status}\u0000${version.classification}\u0000${version.isResolved}`;

/** Whether `issue` is the version remembered as `version`: what {@link issueVersionKey} compares, with no copy made. */
function isVersion(version: IssueVersion, issue: Issue): boolean {
  return (
    version.lastModified === (issue.lastModifiedDateTime ?? '') &&
    version.status === issue.status &&
    version.classification === issue.classification &&
    version.isResolved === issue.isResolved
  );
}

function modifiedAfter(issue: Issue, since: number | undefined): boolean {
  const modified = Date.parse(issue.lastModifiedDateTime ?? issue.endDateTime ?? '');
  return since !== undefined && Number.isFinite(modified) && modified > since;
}

function kindOf(previous: IssueVersion | undefined, current: IssueVersion): IssueUpdateKind {
  if (current.isResolved && !previous?.isResolved) return 'resolved';
  return previous === undefined ? 'opened' : 'updated';
}

/**
 * Reports each issue exactly once per version (id + lastModifiedDateTime, status, classification, resolution).
 * With no memory (the first poll ever) nothing is reported: the first poll is the baseline. An issue first seen
 * already resolved is news only if it was modified after the previous poll (`since`, ms): older ones are history.
 * `stamp` (`stepStamp`) numbers the step: each update's id is the stamp, the issue and the version
 * reported, so a version seen again (a status that moved back under the same `lastModifiedDateTime`) has an id of
 * its own. What is remembered is the copies of `shared`.
 */
export function detectIssueUpdates(
  previous: Readonly<Record<string, IssueVersion>> | undefined,
  since: number | undefined,
  snapshot: Snapshot,
  now: number,
  stamp: string,
  shared: SharedRecords<IssueVersion>,
): { versions: Record<string, IssueVersion>; updates: IssueUpdate[] } {
  const versions: Record<string, IssueVersion> = {};
  const updates: IssueUpdate[] = [];
  for (const service of snapshot.services) {
    for (const issue of service.issues) {
      const before = previous?.[issue.id];
      if (before !== undefined && isVersion(before, issue)) {
        versions[issue.id] = before;
        continue;
      }
      const current = issueVersion(issue);
      versions[issue.id] = shared.share(current);
      if (previous === undefined) continue;
      if (before === undefined && issue.isResolved && !modifiedAfter(issue, since)) continue;
      const resolution = current.isResolved ? 'resolved' : 'open';
      const version = `${current.lastModified}:${current.classification}:${current.status}:${resolution}`;
      updates.push({
        kind: 'issue_update',
        update: kindOf(before, current),
        serviceId: service.id,
        serviceName: service.name,
        issue,
        previous: before,
        eventId: `${stamp}/${issue.id}@${version}`,
        at: now,
      });
    }
  }
  // The memory of a quiet poll is the previous one, objects and all.
  return { versions: shared.keep(previous, versions), updates };
}
