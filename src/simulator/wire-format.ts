import type { WireIssue, WirePost, WireServiceHealth } from '../graph/wire.ts';
import { findCatalogueService } from './catalogue.ts';
import { resolveTimePoint, type DerivedIssue, type DerivedPost } from './issue-state.ts';
import type { ScenarioMessage } from './scenario-schema.ts';
import type { DerivedService } from './derive-state.ts';

/** How enumeration values are spelled: camelCase like live Graph, or PascalCase like Microsoft's docs. */
export interface WireStyle {
  readonly pascalCase: boolean;
}

/** A service as `healthOverviews` returns it, with its issues when `$expand=issues` was asked. */
export function toWireService(service: DerivedService, expandIssues: boolean, style: WireStyle): WireServiceHealth {
  const wire: WireServiceHealth = { service: service.name, status: spell(service.status, style), id: service.id };
  if (expandIssues) wire.issues = service.issues.map((issue) => toWireIssue(issue, style));
  return wire;
}

const wireIssues = { camel: new WeakMap<DerivedIssue, WireIssue>(), pascal: new WeakMap<DerivedIssue, WireIssue>() };

/** An issue as `issues` returns it; built once per derived issue and spelling (callers copy, never change it). */
export function toWireIssue(issue: DerivedIssue, style: WireStyle): WireIssue {
  const cache = style.pascalCase ? wireIssues.pascal : wireIssues.camel;
  let wire = cache.get(issue);
  if (!wire) cache.set(issue, (wire = buildWireIssue(issue, style)));
  return wire;
}

function buildWireIssue(issue: DerivedIssue, style: WireStyle): WireIssue {
  return {
    startDateTime: isoDate(issue.startMs),
    endDateTime: issue.endMs === null ? null : isoDate(issue.endMs),
    lastModifiedDateTime: isoDate(issue.lastModifiedMs),
    title: issue.title,
    id: issue.id,
    impactDescription: issue.impactDescription,
    classification: spell(issue.classification, style),
    origin: spell(issue.origin, style),
    status: spell(issue.status, style),
    service: findCatalogueService(issue.service)?.name ?? issue.service,
    feature: issue.feature,
    featureGroup: issue.featureGroup,
    isResolved: issue.isResolved,
    highImpact: null,
    details: [],
    posts: issue.posts.map((post) => toWirePost(post, style)),
  };
}

function toWirePost(post: DerivedPost, style: WireStyle): WirePost {
  return {
    createdDateTime: isoDate(post.createdMs),
    postType: spell('regular', style),
    description: { contentType: spell('html', style), content: post.content },
  };
}

function spell(value: string, style: WireStyle): string {
  return style.pascalCase ? value.charAt(0).toUpperCase() + value.slice(1) : value;
}

/** A `serviceUpdateMessage` as `messages` returns it (app-only access: no `viewPoint`), by the clock at `nowMs`. */
export function toWireMessage(message: ScenarioMessage, startMs: number, nowMs: number, style: WireStyle) {
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
    category: spell(message.category, style),
    severity: spell(message.severity, style),
    tags: [...message.tags],
    isMajorChange: message.isMajorChange,
    actionRequiredByDateTime: optionalDate(message.actionRequiredBy),
    services: message.services.map((id) => findCatalogueService(id)?.name ?? id),
    hasAttachments: false,
    viewPoint: null,
    details: [],
    body: { contentType: spell('html', style), content: message.body },
  };
}

/** Graph's date-time format: ISO 8601 in UTC. */
function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}
