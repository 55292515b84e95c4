import { SeverityNumber, type Attributes, type LogRecord } from '@opentelemetry/api';
import type { TenantConfig } from '../config/types.ts';
import type { StatusChange } from '../health/changes.ts';
import type { CredentialExpiring } from '../health/credential-expiry.ts';
import type { FleetIssueUpdate } from '../health/fleet-issues.ts';
import type { IssueUpdate } from '../health/issue-updates.ts';
import type { MessageUpdate } from '../health/messages.ts';
import { HEALTH_OK, type Health } from '../health/model.ts';
import { HEALTH_WORDS } from '../health/estate.ts';
import { htmlToPlainText } from '../health/plain-text.ts';
import * as sc from '../catalogue/semconv.ts';

const INFO = { severityNumber: SeverityNumber.INFO, severityText: 'INFO' };
const WARN = { severityNumber: SeverityNumber.WARN, severityText: 'WARN' };
const ERROR = { severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' };

/** A status change's severity follows the health it reaches. */
const SEVERITY: Record<Health, typeof INFO> = { 0: INFO, 1: WARN, 2: ERROR, 3: WARN };

const ADMIN_CENTER = 'https://admin.microsoft.com/Adminportal/Home#';

/** Identity attributes of a tenant, on every event: its id and its name. */
function tenantAttributes(tenant: TenantConfig): Attributes {
  return { [sc.ATTR_TENANT_ID]: tenant.tenantId, [sc.ATTR_TENANT_NAME]: tenant.name };
}

/** The texts Graph gave of those it may leave out or empty. */
function givenTexts(texts: Record<string, string | undefined>): Attributes {
  return Object.fromEntries(Object.entries(texts).filter(([, value]) => value));
}

/** The change an event tells of: when, and the id its tenant's history gave it. */
interface Occurrence {
  readonly at: number;
  readonly eventId: string;
}

/** An event's own parts: its attributes, then those that come after its identity. */
interface EventParts {
  readonly name: string;
  readonly severity: typeof INFO;
  readonly body: string;
  readonly own: Attributes;
  readonly after?: Attributes;
}

/**
 * An event's log record. Its attributes: the tenant's identity, the event's own, then its name and its
 * `m365.event.id`: the tenant, then the id the tenant's history gave it (`src/health/memory.ts`):
 * `<tenant id>/<baseline ms>/<stream><step>/<subject and transition>`. Unique per transition across tenants and
 * restarts, and the same when a transition is detected again or its record is sent again, so that a consumer may
 * deduplicate on it alone.
 */
function eventRecord(tenant: TenantConfig, occurrence: Occurrence, event: EventParts): LogRecord {
  const { name, severity, body, own, after } = event;
  const attributes = {
    ...tenantAttributes(tenant),
    ...own,
    [sc.ATTR_EVENT_ID]: `${tenant.tenantId}/${occurrence.eventId}`,
    [sc.ATTR_OTEL_EVENT_NAME]: name,
    ...after,
  };
  return { eventName: name, timestamp: occurrence.at, ...severity, body, attributes };
}

/** The log record of a status change: its severity follows the health reached. */
export function statusChangeRecord(tenant: TenantConfig, change: StatusChange): LogRecord {
  const { trigger } = change;
  const health = change.health === HEALTH_OK ? 'back to ok' : `now ${HEALTH_WORDS[change.health]}`;
  const issue = trigger ? ` [${trigger.classification} ${trigger.id}: ${trigger.title}]` : '';
  const body = `${tenant.name}: ${change.serviceName} ${change.previousStatus} -> ${change.status} (${health})${issue}`;
  const own = {
    [sc.ATTR_SERVICE_ID]: change.serviceId,
    [sc.ATTR_SERVICE_NAME]: change.serviceName,
    [sc.ATTR_SERVICE_STATE]: change.status,
    [sc.ATTR_SERVICE_PREVIOUS_STATE]: change.previousStatus,
    [sc.ATTR_SERVICE_HEALTH_STATE]: change.health,
    [sc.ATTR_SERVICE_PREVIOUS_HEALTH_STATE]: change.previousHealth,
    [sc.ATTR_ISSUE_IDS]: change.openIssueIds,
  };
  const behind = trigger && {
    [sc.ATTR_ISSUE_ID]: trigger.id,
    [sc.ATTR_ISSUE_TITLE]: trigger.title,
    [sc.ATTR_ISSUE_CLASSIFICATION]: trigger.classification,
  };
  return eventRecord(tenant, change, {
    name: sc.EVENT_STATUS_CHANGE,
    severity: SEVERITY[change.health],
    body,
    own,
    after: behind,
  });
}

/**
 * The log record of an issue update: WARN while an incident is open, INFO otherwise; its body says what happened,
 * then the latest post. Free text stays in events, never in metric attributes.
 */
export function issueUpdateRecord(tenant: TenantConfig, update: IssueUpdate): LogRecord {
  const { issue } = update;
  const post = issue.posts.at(-1);
  const latest = post && htmlToPlainText(post.content);
  const head = `${tenant.name}: ${update.serviceName} ${issue.classification} ${issue.id} ${update.update} (${issue.status}): ${issue.title}`;
  const own = {
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
  };
  const given = givenTexts({
    [sc.ATTR_ISSUE_FEATURE]: issue.feature,
    [sc.ATTR_ISSUE_FEATURE_GROUP]: issue.featureGroup,
    [sc.ATTR_ISSUE_START]: issue.startDateTime,
    [sc.ATTR_ISSUE_END]: issue.endDateTime,
    [sc.ATTR_ISSUE_POST]: latest,
  });
  const severity = issue.classification === 'incident' && !issue.isResolved ? WARN : INFO;
  const body = latest === undefined ? head : `${head}\n${latest}`;
  return eventRecord(tenant, update, { name: sc.EVENT_ISSUE_UPDATE, severity, body, own, after: given });
}

/**
 * The log record of a message update: WARN for high and critical messages, INFO otherwise; its body says what
 * happened in one line, then the message as plain text (at most 4,000 characters).
 */
export function messageUpdateRecord(tenant: TenantConfig, update: MessageUpdate): LogRecord {
  const { message } = update;
  const head = `${tenant.name}: message ${message.id} ${update.update} (${message.category}, ${message.severity}): ${message.title}`;
  const text = htmlToPlainText(message.body);
  const own = {
    [sc.ATTR_MESSAGE_ID]: message.id,
    [sc.ATTR_MESSAGE_UPDATE_KIND]: update.update,
    [sc.ATTR_MESSAGE_TITLE]: message.title,
    [sc.ATTR_MESSAGE_CATEGORY]: message.category,
    [sc.ATTR_MESSAGE_SEVERITY]: message.severity,
    [sc.ATTR_MESSAGE_SERVICES]: message.services,
    [sc.ATTR_MESSAGE_TAGS]: message.tags,
    [sc.ATTR_MESSAGE_MAJOR_CHANGE]: message.isMajorChange,
    [sc.ATTR_URL_FULL]: `${ADMIN_CENTER}/MessageCenter/:/messages/${encodeURIComponent(message.id)}`,
  };
  const given = givenTexts({
    [sc.ATTR_MESSAGE_ACTION_REQUIRED_BY]: message.actionRequiredByDateTime,
    [sc.ATTR_MESSAGE_START]: message.startDateTime,
    [sc.ATTR_MESSAGE_END]: message.endDateTime,
  });
  const severity = /^(high|critical)$/i.test(message.severity) ? WARN : INFO;
  const body = text === '' ? head : `${head}\n${text}`;
  return eventRecord(tenant, update, { name: sc.EVENT_MESSAGE_UPDATE, severity, body, own, after: given });
}

/**
 * The log record of a credential reaching a lead time before its expiry (WARN), or expiring (ERROR): its body says
 * which credential and when it ends, and what stops when it does.
 */
export function credentialExpiringRecord(tenant: TenantConfig, expiring: CredentialExpiring): LogRecord {
  const { credential, leadTimeMs } = expiring;
  const end = new Date(credential.expiresAt).toISOString();
  const name = credential.displayName === '' ? '' : ` '${credential.displayName}'`;
  const what = `${tenant.name}: ${credential.kind}${name} (${credential.keyId})`;
  const body =
    leadTimeMs === 0
      ? `${what} expired at ${end}: the tenant cannot sign in until it is renewed`
      : `${what} expires at ${end}, within ${leadTimeMs / 86_400_000} days: renew it before then, or the tenant's data stops`;
  const own = {
    [sc.ATTR_CREDENTIAL_KIND]: credential.kind,
    [sc.ATTR_CREDENTIAL_KEY_ID]: credential.keyId,
    [sc.ATTR_CREDENTIAL_DISPLAY_NAME]: credential.displayName,
    [sc.ATTR_CREDENTIAL_END]: end,
    [sc.ATTR_CREDENTIAL_LEAD_TIME]: leadTimeMs / 1000,
  };
  const severity = leadTimeMs === 0 ? ERROR : WARN;
  return eventRecord(tenant, expiring, { name: sc.EVENT_CREDENTIAL_EXPIRING, severity, body, own });
}

/**
 * The log record of an issue's update across the fleet: no tenant identity, but how many tenants show it, which
 * first and when, and a sample of them. WARN while an incident is open, INFO otherwise. Its `m365.event.id` is
 * `fleet/<baseline ms>/f<step>/<issue>:<update>@<lastModifiedDateTime>`: unique per update, the same when sent again.
 */
export function fleetIssueUpdateRecord(update: FleetIssueUpdate): LogRecord {
  const { issue, issueId } = update;
  const open = update.update !== 'resolved';
  const head = `${issue.services.join(', ') || 'unknown service'} ${issue.classification} ${issueId} ${update.update}`;
  const first = `first ${issue.firstTenant} at ${new Date(issue.firstSeenAt).toISOString()}`;
  const body = `${head} (${issue.status}): ${update.tenants} tenant(s), ${first}: ${issue.title}`;
  const previous = update.previous?.classification;
  const attributes = {
    [sc.ATTR_ISSUE_ID]: issueId,
    [sc.ATTR_ISSUE_UPDATE_KIND]: update.update,
    [sc.ATTR_ISSUE_CLASSIFICATION]: issue.classification,
    ...(previous === undefined ? {} : { [sc.ATTR_ISSUE_PREVIOUS_CLASSIFICATION]: previous }),
    [sc.ATTR_ISSUE_STATUS]: issue.status,
    [sc.ATTR_ISSUE_TITLE]: issue.title,
    [sc.ATTR_ISSUE_SERVICES]: [...issue.services],
    [sc.ATTR_FLEET_TENANT_COUNT]: update.tenants,
    [sc.ATTR_FLEET_FIRST_TENANT]: issue.firstTenant,
    [sc.ATTR_FLEET_FIRST_SEEN]: new Date(issue.firstSeenAt).toISOString(),
    [sc.ATTR_FLEET_TENANT_SAMPLE]: [...update.sample],
    [sc.ATTR_URL_FULL]: `${ADMIN_CENTER}/servicehealth/:/alerts/${encodeURIComponent(issueId)}`,
    [sc.ATTR_EVENT_ID]: `fleet/${update.eventId}`,
    [sc.ATTR_OTEL_EVENT_NAME]: sc.EVENT_FLEET_ISSUE_UPDATE,
  };
  const severity = issue.classification === 'incident' && open ? WARN : INFO;
  return { eventName: sc.EVENT_FLEET_ISSUE_UPDATE, timestamp: update.at, ...severity, body, attributes };
}
