import { issuesOfGroup, listFeatureGroups, worstIssue } from './feature-groups.ts';
import type { Health, Issue, Service, ServiceStatus, Snapshot } from './model.ts';
import type { HealthRule } from './severity-rules.ts';
import { openIssues } from './status.ts';

/** A service with its evaluated health and open issues: what gauges and events are made of. */
export interface ServiceView {
  readonly id: string;
  readonly name: string;
  readonly status: ServiceStatus;
  readonly rawStatus: string;
  readonly health: Health;
  readonly openIssues: readonly Issue[];
  /** Health of each feature group, by the same rule. */
  features: readonly FeatureView[];
}

const NO_FEATURES: readonly FeatureView[] = Object.freeze([]);

/**
 * Decides the health of every service of a snapshot, by the built-in rule or by severity rules, and of each of its
 * feature groups unless `features` is false (none listed: nothing reads them).
 */
export function evaluateSnapshot(snapshot: Snapshot, rule: HealthRule, features = true): ServiceView[] {
  return snapshot.services.map((service) => ({
    id: service.id,
    name: service.name,
    status: service.status,
    rawStatus: service.rawStatus,
    health: rule(service),
    openIssues: openIssues(service),
    features: features ? evaluateFeatureGroups(service, rule) : NO_FEATURES,
  }));
}

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
export function evaluateFeatureGroups(service: Service, rule: HealthRule): FeatureView[] {
  const open = openIssues(service);
  return listFeatureGroups(service, service.issues).map((group) => {
    const issues = issuesOfGroup(open, group);
    const worst = worstIssue(issues);
    const status = worst?.status ?? 'serviceOperational';
    const feature: Service = { ...service, status, rawStatus: worst?.rawStatus ?? status, issues };
    return { group, health: rule(feature) };
  });
}
