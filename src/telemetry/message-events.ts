import { SeverityNumber, type Attributes, type LogRecord } from '@opentelemetry/api';
import type { TenantConfig } from '../config/types.ts';
import type { MessageUpdate } from '../health/messages.ts';
import { htmlToPlainText } from '../health/plain-text.ts';
import { tenantEventId } from './event-id.ts';
import { tenantAttributes } from './instruments.ts';
import * as sc from '../catalogue/semconv.ts';

/** Link to a message in the Microsoft 365 admin center's message center. */
export function messageCenterUrl(messageId: string): string {
  return `https://admin.microsoft.com/Adminportal/Home#/MessageCenter/:/messages/${encodeURIComponent(messageId)}`;
}

/** The attributes of a message-update event; optional dates only when Graph gives them. */
export function messageUpdateAttributes(tenant: TenantConfig, update: MessageUpdate): Attributes {
  const { message } = update;
  const attributes: Attributes = {
    ...tenantAttributes(tenant),
    [sc.ATTR_MESSAGE_ID]: message.id,
    [sc.ATTR_MESSAGE_UPDATE]: update.update,
    [sc.ATTR_MESSAGE_TITLE]: message.title,
    [sc.ATTR_MESSAGE_CATEGORY]: message.category,
    [sc.ATTR_MESSAGE_SEVERITY]: message.severity,
    [sc.ATTR_MESSAGE_SERVICES]: message.services,
    [sc.ATTR_MESSAGE_TAGS]: message.tags,
    [sc.ATTR_MESSAGE_MAJOR_CHANGE]: message.isMajorChange,
    [sc.ATTR_URL_FULL]: messageCenterUrl(message.id),
    [sc.ATTR_EVENT_ID]: tenantEventId(tenant, update.eventId),
    [sc.ATTR_EVENT_NAME]: sc.EVENT_MESSAGE_UPDATE,
  };
  const optional: Array<[string, string | undefined]> = [
    [sc.ATTR_MESSAGE_ACTION_REQUIRED_BY, message.actionRequiredByDateTime],
    [sc.ATTR_MESSAGE_START, message.startDateTime],
    [sc.ATTR_MESSAGE_END, message.endDateTime],
  ];
  for (const [key, value] of optional) if (value) attributes[key] = value;
  return attributes;
}

/** A readable body: what happened in one line, then the message as plain text (at most 4,000 characters). */
export function describeMessageUpdate(tenant: TenantConfig, update: MessageUpdate): string {
  const { message } = update;
  const head = `${tenant.name}: message ${message.id} ${update.update} (${message.category}, ${message.severity}): ${message.title}`;
  const body = htmlToPlainText(message.body);
  return body === '' ? head : `${head}\n${body}`;
}

/** The log record of a message update: WARN for high and critical messages, INFO otherwise. */
export function messageUpdateRecord(tenant: TenantConfig, update: MessageUpdate): LogRecord {
  const warn = /^(high|critical)$/i.test(update.message.severity);
  return {
    eventName: sc.EVENT_MESSAGE_UPDATE,
    timestamp: update.at,
    severityNumber: warn ? SeverityNumber.WARN : SeverityNumber.INFO,
    severityText: warn ? 'WARN' : 'INFO',
    body: describeMessageUpdate(tenant, update),
    attributes: messageUpdateAttributes(tenant, update),
  };
}
