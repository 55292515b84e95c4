import type { WireIssue, WireServiceHealth } from '../graph/wire.ts';
import { findCatalogueService } from './catalogue.ts';
import { resolveTimePoint, type DerivedIssue, type DerivedService } from './timeline.ts';
import type { ScenarioMessage } from './scenario-schema.ts';

/**
 * What the tenant's state looks like on Graph's wire, enumerations spelled in camelCase like live Graph, or in
 * PascalCase like Microsoft's docs. Dates are ISO 8601 in UTC; services are shown by display name.
 */
export class WireFormat {
  readonly #pascalCase: boolean;
  /** Built once per derived issue, which is never changed, only replaced (callers copy, never change them). */
  readonly #issues = new WeakMap<DerivedIssue, WireIssue>();

  constructor(pascalCase: boolean) {
    this.#pascalCase = pascalCase;
  }

  /** A service as `healthOverviews` returns it, with its issues when `$expand=issues` was asked. */
  service(service: DerivedService, expandIssues: boolean): WireServiceHealth {
    const wire: WireServiceHealth = { service: service.name, status: this.#spell(service.status), id: service.id };
    if (expandIssues) wire.issues = service.issues.map((issue) => this.issue(issue));
    return wire;
  }

  /** An issue as `issues` returns it. */
  issue(issue: DerivedIssue): WireIssue {
    let wire = this.#issues.get(issue);
    if (wire) return wire;
    wire = {
      startDateTime: isoDate(issue.startMs),
      endDateTime: issue.endMs === null ? null : isoDate(issue.endMs),
      lastModifiedDateTime: isoDate(issue.lastModifiedMs),
      title: issue.title,
      id: issue.id,
      impactDescription: issue.impactDescription,
      classification: this.#spell(issue.classification),
      origin: this.#spell(issue.origin),
      status: this.#spell(issue.status),
      service: displayName(issue.service),
      feature: issue.feature,
      featureGroup: issue.featureGroup,
      isResolved: issue.isResolved,
      highImpact: null,
      details: [],
      posts: issue.posts.map((post) => ({
        createdDateTime: isoDate(post.createdMs),
        postType: this.#spell('regular'),
        description: { contentType: this.#spell('html'), content: post.content },
      })),
    };
    this.#issues.set(issue, wire);
    return wire;
  }

  /** A `serviceUpdateMessage` as `messages` returns it at `nowMs` (app-only access: no `viewPoint`). */
  message(message: ScenarioMessage, startMs: number, nowMs: number) {
    const start = resolveTimePoint(message.start, startMs);
    const modified = message.modified === undefined ? start : resolveTimePoint(message.modified, startMs);
    const optionalDate = (point: ScenarioMessage['end']) =>
      point === undefined ? null : isoDate(resolveTimePoint(point, startMs));
    return {
      startDateTime: isoDate(start),
      endDateTime: optionalDate(message.end),
      lastModifiedDateTime: isoDate(modified <= nowMs ? Math.max(start, modified) : start),
      title: message.title,
      id: message.id,
      category: this.#spell(message.category),
      severity: this.#spell(message.severity),
      tags: [...message.tags],
      isMajorChange: message.isMajorChange,
      actionRequiredByDateTime: optionalDate(message.actionRequiredBy),
      services: message.services.map(displayName),
      hasAttachments: false,
      viewPoint: null,
      details: [],
      body: { contentType: this.#spell('html'), content: message.body },
    };
  }

  #spell(value: string): string {
    return this.#pascalCase ? value.charAt(0).toUpperCase() + value.slice(1) : value;
  }
}

function displayName(serviceId: string): string {
  return findCatalogueService(serviceId)?.name ?? serviceId;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}
