import { SeverityNumber, type Attributes, type Logger } from '@opentelemetry/api';
import type { TenantStatus } from '../agent/tenant-status.ts';
import type { StatusChange } from '../health/changes.ts';
import { HEALTH_OK, type Health } from '../health/model.ts';
import { tenantAttributes } from './instruments.ts';
import * as sc from './semconv.ts';

/** Emits the catalogue's events as log records with `eventName` set. */
export interface EventEmitter {
  emitStatusChange(status: TenantStatus, change: StatusChange): void;
}

const SEVERITY: Record<Health, { number: SeverityNumber; text: string }> = {
  0: { number: SeverityNumber.INFO, text: 'INFO' },
  1: { number: SeverityNumber.WARN, text: 'WARN' },
  2: { number: SeverityNumber.ERROR, text: 'ERROR' },
  3: { number: SeverityNumber.WARN, text: 'WARN' },
};

const HEALTH_WORDS = ['ok', 'warning', 'critical', 'unknown'] as const;

/** The attributes of a status-change event: identity, before/after, and the issue behind it. */
export function statusChangeAttributes(status: TenantStatus, change: StatusChange): Attributes {
  const attributes: Attributes = {
    ...tenantAttributes(status),
    [sc.ATTR_SERVICE_ID]: change.serviceId,
    [sc.ATTR_SERVICE_NAME]: change.serviceName,
    [sc.ATTR_SERVICE_STATUS]: change.status,
    [sc.ATTR_SERVICE_STATUS_PREVIOUS]: change.previousStatus,
    [sc.ATTR_SERVICE_HEALTH]: change.health,
    [sc.ATTR_SERVICE_HEALTH_PREVIOUS]: change.previousHealth,
    [sc.ATTR_ISSUE_IDS]: change.openIssueIds,
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
export function describeStatusChange(status: TenantStatus, change: StatusChange): string {
  const health = change.health === HEALTH_OK ? 'back to ok' : `now ${HEALTH_WORDS[change.health]}`;
  const issue = change.trigger ? ` [${change.trigger.classification} ${change.trigger.id}: ${change.trigger.title}]` : '';
  return `${status.tenant.name}: ${change.serviceName} ${change.previousStatus} -> ${change.status} (${health})${issue}`;
}

/** Emits events through an OpenTelemetry logger. */
export function createEventEmitter(logger: Logger): EventEmitter {
  return {
    emitStatusChange(status, change) {
      const severity = SEVERITY[change.health];
      logger.emit({
        eventName: sc.EVENT_STATUS_CHANGE,
        timestamp: change.at,
        severityNumber: severity.number,
        severityText: severity.text,
        body: describeStatusChange(status, change),
        attributes: statusChangeAttributes(status, change),
      });
    },
  };
}
