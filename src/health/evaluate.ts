import { evaluateFeatureGroups, type FeatureView } from './feature-health.ts';
import type { Health, Issue, Service, ServiceStatus, Snapshot } from './model.ts';
import { evaluateServiceHealth, openIssues } from './status.ts';

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

/** Decides the health of every service of a snapshot, with a rule that may be replaced (severity rules). */
export function evaluateSnapshot(
  snapshot: Snapshot,
  rule: (service: Service) => Health = evaluateServiceHealth,
): ServiceView[] {
  return snapshot.services.map((service) => ({
    id: service.id,
    name: service.name,
    status: service.status,
    rawStatus: service.rawStatus,
    health: rule(service),
    openIssues: openIssues(service),
    features: evaluateFeatureGroups(service, rule),
  }));
}
