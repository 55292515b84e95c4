import { SeverityNumber, type Attributes, type LogRecord } from '@opentelemetry/api';
import type { TenantConfig } from '../config/types.ts';
import type { StatusChange } from '../health/changes.ts';
import type { IssueUpdate } from '../health/issue-updates.ts';
import { HEALTH_OK, type Health } from '../health/model.ts';
import { htmlToPlainText } from '../health/plain-text.ts';
import { tenantEventId } from './event-id.ts';
import { tenantAttributes } from './instruments.ts';
import * as sc from '../catalogue/semconv.ts';

const SEVERITY: Record<Health, { number: SeverityNumber; text: string }> = {
  0: { number: SeverityNumber.INFO, text: 'INFO' },
  1: { number: SeverityNumber.WARN, text: 'WARN' },
  2: { number: SeverityNumber.ERROR, text: 'ERROR' },
  3: { number: SeverityNumber.WARN, text: 'WARN' },
};

const HEALTH_WORDS = ['ok', 'warning', 'critical', 'unknown'] as const;

/** The attributes of a status-change event: identity, before/after, and the issue behind it. */
export function statusChangeAttributes(tenant: TenantConfig, change: StatusChange): Attributes {
  const attributes: Attributes = {
    ...tenantAttributes(tenant),
    [sc.ATTR_SERVICE_ID]: change.serviceId,
    [sc.ATTR_SERVICE_NAME]: change.serviceName,
    [sc.ATTR_SERVICE_STATUS]: change.status,
    [sc.ATTR_SERVICE_STATUS_PREVIOUS]: change.previousStatus,
    [sc.ATTR_SERVICE_HEALTH]: change.health,
    [sc.ATTR_SERVICE_HEALTH_PREVIOUS]: change.previousHealth,
    [sc.ATTR_ISSUE_IDS]: change.openIssueIds,
    [sc.ATTR_EVENT_ID]: tenantEventId(tenant, change.eventId),
    [sc.ATTR_EVENT_NAME]: sc.EVENT_STATUS_CHANGE,
  };
  if (change.trigger) {
    attributes[sc.ATTR_ISSUE_ID] = change.trigger.id;
    attributes[sc.ATTR_ISSUE_TITLE] = change.trigger.title;
    attributes[sc.ATTR_ISSUE_CLASSIFICATION] = change.trigger.classification;
  }
  return attributes;
}

/** A one-line, human-readable body for a status change. */
export function describeStatusChange(tenant: TenantConfig, change: StatusChange): string {
  const health = change.health === HEALTH_OK ? 'back to ok' : `now ${HEALTH_WORDS[change.health]}`;
  const issue = change.trigger
    ? ` [${change.trigger.classification} ${change.trigger.id}: ${change.trigger.title}]`
    : '';
  return `${tenant.name}: ${change.serviceName} ${change.previousStatus} -> ${change.status} (${health})${issue}`;
}

/** Link to an issue in the Microsoft 365 admin center. */
export function adminCenterUrl(issueId: string): string {
  return `https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/${encodeURIComponent(issueId)}`;
}

/** The attributes of an issue-update event. Free text stays in events, never in metric attributes. */
export function issueUpdateAttributes(tenant: TenantConfig, update: IssueUpdate): Attributes {
  const { issue } = update;
  const latest = issue.posts.at(-1);
  const attributes: Attributes = {
    ...tenantAttributes(tenant),
    [sc.ATTR_SERVICE_ID]: update.serviceId,
    [sc.ATTR_SERVICE_NAME]: update.serviceName,
    [sc.ATTR_ISSUE_ID]: issue.id,
    [sc.ATTR_ISSUE_UPDATE]: update.update,
    [sc.ATTR_ISSUE_CLASSIFICATION]: issue.classification,
    [sc.ATTR_ISSUE_STATUS]: issue.status,
    [sc.ATTR_ISSUE_RESOLVED]: issue.isResolved,
    [sc.ATTR_ISSUE_TITLE]: issue.title,
    [sc.ATTR_ISSUE_IMPACT]: issue.impactDescription,
    [sc.ATTR_URL_FULL]: adminCenterUrl(issue.id),
    [sc.ATTR_EVENT_ID]: tenantEventId(tenant, update.eventId),
    [sc.ATTR_EVENT_NAME]: sc.EVENT_ISSUE_UPDATE,
  };
  const optional: Array<[string, string | undefined]> = [
    [sc.ATTR_ISSUE_FEATURE, issue.feature],
    [sc.ATTR_ISSUE_FEATURE_GROUP, issue.featureGroup],
    [sc.ATTR_ISSUE_START, issue.startDateTime],
    [sc.ATTR_ISSUE_END, issue.endDateTime],
    [sc.ATTR_ISSUE_POST, latest ? htmlToPlainText(latest.content) : undefined],
  ];
  for (const [key, value] of optional) if (value) attributes[key] = value;
  return attributes;
}

/** A readable body for an issue update: what happened, then the latest post. */
export function describeIssueUpdate(tenant: TenantConfig, update: IssueUpdate): string {
  const { issue } = update;
  const head = `${tenant.name}: ${update.serviceName} ${issue.classification} ${issue.id} ${update.update} (${issue.status}): ${issue.title}`;
  const latest = issue.posts.at(-1);
  return latest ? `${head}\n${htmlToPlainText(latest.content)}` : head;
}

/** The log record of a status change: its severity follows the health reached. */
export function statusChangeRecord(tenant: TenantConfig, change: StatusChange): LogRecord {
  const severity = SEVERITY[change.health];
  return {
    eventName: sc.EVENT_STATUS_CHANGE,
    timestamp: change.at,
    severityNumber: severity.number,
    severityText: severity.text,
    body: describeStatusChange(tenant, change),
    attributes: statusChangeAttributes(tenant, change),
  };
}

/** The log record of an issue update: WARN while an incident is open, INFO otherwise. */
export function issueUpdateRecord(tenant: TenantConfig, update: IssueUpdate): LogRecord {
  const warn = update.issue.classification === 'incident' && !update.issue.isResolved;
  const severity = warn ? SEVERITY[1] : SEVERITY[0];
  return {
    eventName: sc.EVENT_ISSUE_UPDATE,
    timestamp: update.at,
    severityNumber: severity.number,
    severityText: severity.text,
    body: describeIssueUpdate(tenant, update),
    attributes: issueUpdateAttributes(tenant, update),
  };
}
