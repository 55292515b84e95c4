import type { EntryFilters } from '../../src/check/check-options.ts';
import type { Issue, Service } from '../../src/health/model.ts';
import { parseClassification, parseServiceStatus } from '../../src/health/status.ts';

/** A decoded issue with sensible defaults, for tests. */
export function makeIssue(
  fields: Partial<Omit<Issue, 'status' | 'classification'>> & { status?: string; classification?: string } = {},
): Issue {
  const rawStatus = fields.status ?? 'serviceDegradation';
  return {
    id: 'EX1',
    title: 'Mail delayed',
    impactDescription: '',
    service: 'Exchange Online',
    feature: undefined,
    featureGroup: undefined,
    isResolved: false,
    startDateTime: '2025-09-30T07:15:00Z',
    endDateTime: undefined,
    lastModifiedDateTime: undefined,
    posts: [],
    ...fields,
    classification: parseClassification(fields.classification ?? 'incident'),
    status: parseServiceStatus(rawStatus),
    rawStatus,
  };
}

/** A decoded service with sensible defaults, for tests. */
export function makeService(id: string, name: string, status = 'serviceOperational', issues: Issue[] = []): Service {
  return { id, name, status: parseServiceStatus(status), rawStatus: status, issues };
}

/** Filters that keep everything but resolved issues: the check's defaults. */
export const ALL: EntryFilters = {
  includeServiceName: undefined,
  excludeServiceName: undefined,
  includeClassification: undefined,
  excludeClassification: undefined,
  excludeResolved: true,
  featureName: undefined,
};
