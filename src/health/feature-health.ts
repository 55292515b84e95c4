import { issuesOfGroup, listFeatureGroups, worstIssue } from './feature-groups.ts';
import type { Health, Service } from './model.ts';
import { openIssues } from './status.ts';

/** The health of one feature group of a service: what the `m365.feature.health` gauge reports. */
export interface FeatureView {
  /** The group as the legacy catalogue spells it, else as Graph's `featureGroup` does. */
  readonly group: string;
  readonly health: Health;
}

/**
 * Evaluates every feature group of a service — the legacy catalogue's and those named by any of its issues,
 * resolved ones included so that a group's series does not come and go with each issue — with the service's
 * health rule, applied to the group as if it were a service: its open issues, and the status of the worst of
 * them (`serviceOperational` when none).
 */
export function evaluateFeatureGroups(service: Service, rule: (service: Service) => Health): FeatureView[] {
  const open = openIssues(service);
  return listFeatureGroups(service, service.issues).map((group) => {
    const issues = issuesOfGroup(open, group);
    const worst = worstIssue(issues);
    const status = worst?.status ?? 'serviceOperational';
    const feature: Service = {
      id: service.id,
      name: service.name,
      status,
      rawStatus: worst?.rawStatus ?? status,
      issues,
    };
    return { group, health: rule(feature) };
  });
}
