import { SeverityNumber, type Attributes, type LogRecord } from '@opentelemetry/api';
import type { TenantConfig } from '../config/types.ts';
import type { StatusChange } from '../health/changes.ts';
import type { IssueUpdate } from '../health/issue-updates.ts';
import type { MessageUpdate } from '../health/messages.ts';
import { HEALTH_OK, type Health } from '../health/model.ts';
import { htmlToPlainText } from '../health/plain-text.ts';
import * as sc from '../catalogue/semconv.ts';

const INFO = { severityNumber: SeverityNumber.INFO, severityText: 'INFO' };
const WARN = { severityNumber: SeverityNumber.WARN, severityText: 'WARN' };
const ERROR = { severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' };

/** A status change's severity follows the health it reaches. */
const SEVERITY: Record<Health, typeof INFO> = { 0: INFO, 1: WARN, 2: ERROR, 3: WARN };

const HEALTH_WORDS = ['ok', 'warning', 'critical', 'unknown'] as const;

const ADMIN_CENTER = 'https://admin.microsoft.com/Adminportal/Home#';

/** Identity attributes of a tenant, on every event: its id and its name. */
function tenantAttributes(tenant: TenantConfig): Attributes {
  return { [sc.ATTR_TENANT_ID]: tenant.tenantId, [sc.ATTR_TENANT_NAME]: tenant.name };
}

/**
 * The last attributes of every event: its name, and its `m365.event.id`: the tenant, then the id the tenant's history
 * gave it (`src/health/event-identity.ts`): `<tenant id>/<baseline ms>/<stream><step>/<subject and transition>`.
 * Unique per transition across tenants and restarts, and the same when a transition is detected again or its record
 * is sent again, so that a consumer may deduplicate on it alone.
 */
function eventIdentity(tenant: TenantConfig, eventId: string, name: string): Attributes {
  return { [sc.ATTR_EVENT_ID]: `${tenant.tenantId}/${eventId}`, [sc.ATTR_OTEL_EVENT_NAME]: name };
}

/** The texts Graph gave of those it may leave out or empty. */
function givenTexts(texts: Record<string, string | undefined>): Attributes {
  return Object.fromEntries(Object.entries(texts).filter(([, value]) => value));
}

/** The attributes of a status-change event: identity, before/after, and the issue behind it. */
function statusChangeAttributes(tenant: TenantConfig, change: StatusChange): Attributes {
  return {
    ...tenantAttributes(tenant),
    [sc.ATTR_SERVICE_ID]: change.serviceId,
    [sc.ATTR_SERVICE_NAME]: change.serviceName,
    [sc.ATTR_SERVICE_STATE]: change.status,
    [sc.ATTR_SERVICE_PREVIOUS_STATE]: change.previousStatus,
    [sc.ATTR_SERVICE_HEALTH_STATE]: change.health,
    [sc.ATTR_SERVICE_PREVIOUS_HEALTH_STATE]: change.previousHealth,
    [sc.ATTR_ISSUE_IDS]: change.openIssueIds,
    ...eventIdentity(tenant, change.eventId, sc.EVENT_STATUS_CHANGE),
    ...(change.trigger && {
      [sc.ATTR_ISSUE_ID]: change.trigger.id,
      [sc.ATTR_ISSUE_TITLE]: change.trigger.title,
      [sc.ATTR_ISSUE_CLASSIFICATION]: change.trigger.classification,
    }),
  };
}

/** A one-line, human-readable body for a status change. */
function describeStatusChange(tenant: TenantConfig, change: StatusChange): string {
  const health = change.health === HEALTH_OK ? 'back to ok' : `now ${HEALTH_WORDS[change.health]}`;
  const issue = change.trigger
    ? ` [${change.trigger.classification} ${change.trigger.id}: ${change.trigger.title}]`
    : '';
  return `${tenant.name}: ${change.serviceName} ${change.previousStatus} -> ${change.status} (${health})${issue}`;
}

/** The attributes of an issue-update event. Free text stays in events, never in metric attributes. */
export function issueUpdateAttributes(tenant: TenantConfig, update: IssueUpdate): Attributes {
  const { issue } = update;
  const latest = issue.posts.at(-1);
  return {
    ...tenantAttributes(tenant),
    [sc.ATTR_SERVICE_ID]: update.serviceId,
    [sc.ATTR_SERVICE_NAME]: update.serviceName,
    [sc.ATTR_ISSUE_ID]: issue.id,
    [sc.ATTR_ISSUE_UPDATE_KIND]: update.update,
    [sc.ATTR_ISSUE_CLASSIFICATION]: issue.classification,
    [sc.ATTR_ISSUE_STATUS]: issue.status,
    [sc.ATTR_ISSUE_RESOLVED]: issue.isResolved,
    [sc.ATTR_ISSUE_TITLE]: issue.title,
    [sc.ATTR_ISSUE_IMPACT]: issue.impactDescription,
    [sc.ATTR_URL_FULL]: `${ADMIN_CENTER}/servicehealth/:/alerts/${encodeURIComponent(issue.id)}`,
    ...eventIdentity(tenant, update.eventId, sc.EVENT_ISSUE_UPDATE),
    ...givenTexts({
      [sc.ATTR_ISSUE_FEATURE]: issue.feature,
      [sc.ATTR_ISSUE_FEATURE_GROUP]: issue.featureGroup,
      [sc.ATTR_ISSUE_START]: issue.startDateTime,
      [sc.ATTR_ISSUE_END]: issue.endDateTime,
      [sc.ATTR_ISSUE_POST]: latest ? htmlToPlainText(latest.content) : undefined,
    }),
  };
}

/** A readable body for an issue update: what happened, then the latest post. */
function describeIssueUpdate(tenant: TenantConfig, update: IssueUpdate): string {
  const { issue } = update;
  const head = `${tenant.name}: ${update.serviceName} ${issue.classification} ${issue.id} ${update.update} (${issue.status}): ${issue.title}`;
  const latest = issue.posts.at(-1);
  return latest ? `${head}\n${htmlToPlainText(latest.content)}` : head;
}

/** The attributes of a message-update event; optional dates only when Graph gives them. */
export function messageUpdateAttributes(tenant: TenantConfig, update: MessageUpdate): Attributes {
  const { message } = update;
  return {
    ...tenantAttributes(tenant),
    [sc.ATTR_MESSAGE_ID]: message.id,
    [sc.ATTR_MESSAGE_UPDATE_KIND]: update.update,
    [sc.ATTR_MESSAGE_TITLE]: message.title,
    [sc.ATTR_MESSAGE_CATEGORY]: message.category,
    [sc.ATTR_MESSAGE_SEVERITY]: message.severity,
    [sc.ATTR_MESSAGE_SERVICES]: message.services,
    [sc.ATTR_MESSAGE_TAGS]: message.tags,
    [sc.ATTR_MESSAGE_MAJOR_CHANGE]: message.isMajorChange,
    [sc.ATTR_URL_FULL]: `${ADMIN_CENTER}/MessageCenter/:/messages/${encodeURIComponent(message.id)}`,
    ...eventIdentity(tenant, update.eventId, sc.EVENT_MESSAGE_UPDATE),
    ...givenTexts({
      [sc.ATTR_MESSAGE_ACTION_REQUIRED_BY]: message.actionRequiredByDateTime,
      [sc.ATTR_MESSAGE_START]: message.startDateTime,
      [sc.ATTR_MESSAGE_END]: message.endDateTime,
    }),
  };
}

/** A readable body: what happened in one line, then the message as plain text (at most 4,000 characters). */
function describeMessageUpdate(tenant: TenantConfig, update: MessageUpdate): string {
  const { message } = update;
  const head = `${tenant.name}: message ${message.id} ${update.update} (${message.category}, ${message.severity}): ${message.title}`;
  const body = htmlToPlainText(message.body);
  return body === '' ? head : `${head}\n${body}`;
}

/** The log record of a status change: its severity follows the health reached. */
export function statusChangeRecord(tenant: TenantConfig, change: StatusChange): LogRecord {
  return {
    eventName: sc.EVENT_STATUS_CHANGE,
    timestamp: change.at,
    ...SEVERITY[change.health],
    body: describeStatusChange(tenant, change),
    attributes: statusChangeAttributes(tenant, change),
  };
}

/** The log record of an issue update: WARN while an incident is open, INFO otherwise. */
export function issueUpdateRecord(tenant: TenantConfig, update: IssueUpdate): LogRecord {
  return {
    eventName: sc.EVENT_ISSUE_UPDATE,
    timestamp: update.at,
    ...(update.issue.classification === 'incident' && !update.issue.isResolved ? WARN : INFO),
    body: describeIssueUpdate(tenant, update),
    attributes: issueUpdateAttributes(tenant, update),
  };
}

/** The log record of a message update: WARN for high and critical messages, INFO otherwise. */
export function messageUpdateRecord(tenant: TenantConfig, update: MessageUpdate): LogRecord {
  return {
    eventName: sc.EVENT_MESSAGE_UPDATE,
    timestamp: update.at,
    ...(/^(high|critical)$/i.test(update.message.severity) ? WARN : INFO),
    body: describeMessageUpdate(tenant, update),
    attributes: messageUpdateAttributes(tenant, update),
  };
}
