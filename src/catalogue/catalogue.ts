import * as sc from './semconv.ts';

/** A tenant on a data point: its name, unique in a configuration (the id is in the events). */
const TENANT = [sc.ATTR_TENANT_NAME] as const;
const SERVICE = [...TENANT, sc.ATTR_SERVICE_ID, sc.ATTR_SERVICE_NAME] as const;
/** A tenant in an event: its id and its name. */
const EVENT_TENANT = [sc.ATTR_TENANT_ID, sc.ATTR_TENANT_NAME] as const;
const EVENT_SERVICE = [...EVENT_TENANT, sc.ATTR_SERVICE_ID, sc.ATTR_SERVICE_NAME] as const;
const EXPORTER = [sc.ATTR_ERROR_TYPE, sc.ATTR_OTEL_COMPONENT_TYPE, sc.ATTR_OTEL_COMPONENT_NAME] as const;

/** A metric as declared once: instruments are created from it and `docs/telemetry.md` is generated from it. */
export interface MetricDefinition {
  readonly name: string;
  /** `updowncounter`: a cumulative, non-monotonic sum in OTLP (a status metric's instrument). */
  readonly instrument: 'gauge' | 'counter' | 'updowncounter';
  readonly valueType: 'int' | 'double';
  readonly unit: string;
  readonly description: string;
  readonly attributes: readonly string[];
  /** What one series stands for, hence how many a tenant has (counted in `docs/telemetry.md`). */
  readonly seriesPer: SeriesUnit;
  readonly enabled: boolean;
}

/**
 * One series per service; per service and each of its states (Graph's statuses), or each issue classification;
 * per feature group of a service; one per tenant, or per tenant whose credential's expiry is known; per tenant and HTTP status code or error type seen; or per
 * process and reason, or exporter and outcome, or service of the estate and health, or issue classification, without tenant.
 */
export type SeriesUnit =
  | 'service'
  | 'service and state'
  | 'service and classification'
  | 'feature group'
  | 'tenant'
  | 'tenant with a credential that expires'
  | 'tenant and status code'
  | 'tenant and error type'
  | 'process and reason'
  | 'process and outcome'
  | 'process, service and health'
  | 'process and classification';

/** An event (a log record with `eventName`) as declared once. */
export interface EventDefinition {
  readonly name: string;
  readonly description: string;
  readonly severity: string;
  readonly attributes: readonly string[];
  /** Emitted without any configuration; events off by default name the setting that turns them on. */
  readonly enabled: boolean;
}

/** Every metric m365-health emits. */
export const METRICS: readonly MetricDefinition[] = Object.freeze([
  {
    name: sc.METRIC_SERVICE_HEALTH,
    instrument: 'gauge',
    valueType: 'int',
    unit: '1',
    description:
      'Health of a Microsoft 365 service: 0 ok, 1 warning, 2 critical, 3 unknown (no good poll for three intervals). ' +
      'By default critical for serviceInterruption, and for serviceDegradation while an incident is open; advisories alone ' +
      'warn; healthy end states (serviceRestored, postIncidentReviewPublished, falsePositive) are ok. `severity` rules may decide otherwise.',
    attributes: SERVICE,
    seriesPer: 'service',
    enabled: true,
  },
  {
    name: sc.METRIC_SERVICE_STATUS,
    instrument: 'updowncounter',
    valueType: 'int',
    unit: '1',
    description:
      "Graph's status of a service, as OpenTelemetry's status metrics are: one series per documented Graph status plus " +
      '`other` in `m365.service.state`, 1 for the current one and 0 for the rest. Off by default: 12 series per service; ' +
      '`m365.service.health` and the `m365.service.status_change` events say what an alert needs.',
    attributes: [...SERVICE, sc.ATTR_SERVICE_STATE],
    seriesPer: 'service and state',
    enabled: false,
  },
  {
    name: sc.METRIC_SERVICE_ISSUES,
    instrument: 'gauge',
    valueType: 'int',
    unit: '{issue}',
    description: 'Open (unresolved) issues of a service, by classification (incident, advisory).',
    attributes: [...SERVICE, sc.ATTR_ISSUE_CLASSIFICATION],
    seriesPer: 'service and classification',
    enabled: true,
  },
  {
    name: sc.METRIC_FEATURE_HEALTH,
    instrument: 'gauge',
    valueType: 'int',
    unit: '1',
    description:
      'Health of a feature group of a service, by the same rule as the service (0 ok, 1 warning, 2 critical, 3 unknown when ' +
      'stale), from the open issues of that group. One series per feature group of the legacy catalogue or named by any ' +
      'issue of the service; `m365.feature.name` is the name the retired Management API gave the feature, which is the ' +
      "group's name (an issue's own feature varies from issue to issue and is in `m365.issue.update` only). Off by " +
      'default: more than one series per service, while the events of `m365.issue.update` name the feature group hit.',
    attributes: [...SERVICE, sc.ATTR_FEATURE_GROUP, sc.ATTR_FEATURE_NAME],
    seriesPer: 'feature group',
    enabled: false,
  },
  {
    name: sc.METRIC_POLL_DURATION,
    instrument: 'gauge',
    valueType: 'double',
    unit: 's',
    description: 'Duration of the last poll of the tenant, token and all pages included.',
    attributes: TENANT,
    seriesPer: 'tenant',
    enabled: true,
  },
  {
    name: sc.METRIC_POLL_SUCCESS,
    instrument: 'gauge',
    valueType: 'int',
    unit: '1',
    description: 'Whether the last poll of the tenant succeeded (1) or failed (0).',
    attributes: TENANT,
    seriesPer: 'tenant',
    enabled: true,
  },
  {
    name: sc.METRIC_POLL_ERRORS,
    instrument: 'counter',
    valueType: 'int',
    unit: '{error}',
    description:
      'Failed polls of the tenant, and failed reads of the optional message center, by error type (an m365-health error ' +
      'code such as GRAPH_THROTTLED). A message center refused for want of ServiceMessage.Read.All counts once as GRAPH_FORBIDDEN.',
    attributes: [...TENANT, sc.ATTR_ERROR_TYPE],
    seriesPer: 'tenant and error type',
    enabled: true,
  },
  {
    name: sc.METRIC_GRAPH_REQUESTS,
    instrument: 'counter',
    valueType: 'int',
    unit: '{request}',
    description: 'HTTP requests made to Microsoft Graph, by response status code (429 shows throttling).',
    attributes: [...TENANT, sc.ATTR_HTTP_STATUS_CODE],
    seriesPer: 'tenant and status code',
    enabled: true,
  },
  {
    name: sc.METRIC_TOKEN_EXPIRY,
    instrument: 'gauge',
    valueType: 'double',
    unit: 's',
    description: 'Seconds until the cached access token of the tenant expires.',
    attributes: TENANT,
    seriesPer: 'tenant',
    enabled: true,
  },
  {
    name: sc.METRIC_DATA_AGE,
    instrument: 'gauge',
    valueType: 'double',
    unit: 's',
    description: 'Seconds since the last successful poll of the tenant.',
    attributes: TENANT,
    seriesPer: 'tenant',
    enabled: true,
  },
  {
    name: sc.METRIC_EVENTS_DROPPED,
    instrument: 'counter',
    valueType: 'int',
    unit: '{event}',
    description:
      'Events the outbox dropped undelivered, by reason (overflow, corrupt, too-large, too-large-for-collector, unencodable). Process-wide: no tenant attributes.',
    attributes: [sc.ATTR_ERROR_TYPE],
    seriesPer: 'process and reason',
    enabled: true,
  },
  {
    name: sc.METRIC_EXPORTER_DATA_POINTS,
    instrument: 'counter',
    valueType: 'int',
    unit: '{data_point}',
    description:
      'Data points whose OTLP export finished, sent (no `error.type`) or failed: `error.type` is the HTTP status (`403`), the ' +
      'network error code (`ECONNREFUSED`), `timeout`, `rejected` (refused in a partial success) or `export_failed`. By the ' +
      "semantic conventions for the SDK's self-metrics (`otel.sdk.exporter.*`). Process-wide: no tenant attributes.",
    attributes: EXPORTER,
    seriesPer: 'process and outcome',
    enabled: true,
  },
  {
    name: sc.METRIC_EXPORTER_LOG_RECORDS,
    instrument: 'counter',
    valueType: 'int',
    unit: '{log_record}',
    description:
      'Events (log records) whose OTLP export finished, sent or failed, by `error.type` as above. A batch refused as too large ' +
      '(413) counts as failed, and its events again in the smaller batches that follow. Process-wide.',
    attributes: EXPORTER,
    seriesPer: 'process and outcome',
    enabled: true,
  },
  {
    name: sc.METRIC_EXPORT_REQUESTS,
    instrument: 'counter',
    valueType: 'int',
    unit: '{request}',
    description:
      'OTLP export requests that finished, of metrics and of events (`otel.component.type`), sent or failed by `error.type` ' +
      "(a partial success counts as sent): the count of the conventions' `otel.sdk.exporter.operation.duration`, a histogram the " +
      "agent's encoder does not write. Process-wide.",
    attributes: EXPORTER,
    seriesPer: 'process and outcome',
    enabled: true,
  },
  {
    name: sc.METRIC_CREDENTIAL_EXPIRY,
    instrument: 'gauge',
    valueType: 'double',
    unit: 's',
    description:
      'Seconds until the credential the tenant signs in with expires (0 once expired), by `m365.credential.kind`: ' +
      '`certificate`, the notAfter of the certificate file the last token was signed with (read afresh for every token, ' +
      'so a file renewed in place counts from the next token; needs no permission), or `secret`, the endDateTime Graph ' +
      "lists for the app's secret whose `hint` starts the tenant's secret (the earliest when several do), read with " +
      '`credential_expiry: { read_app: true }` (Application.Read.All, in the home tenant of the app). One series; a tenant ' +
      'signing in with a federated token, or with a secret while `read_app` is off, has none.',
    attributes: [...TENANT, sc.ATTR_CREDENTIAL_KIND],
    seriesPer: 'tenant with a credential that expires',
    enabled: true,
  },
  {
    name: sc.METRIC_FLEET_SERVICE_TENANTS,
    instrument: 'gauge',
    valueType: 'int',
    unit: '{tenant}',
    description:
      'Tenants of the estate showing a service in each health (`m365.service.health_state`: ok, warning, critical, unknown ' +
      'as in `m365.service.health`, 0 included), for every service any tenant shows. Process-wide: no tenant attribute; ' +
      'the replicas of a sharded agent each count their own tenants, so sum them.',
    attributes: [sc.ATTR_SERVICE_NAME, sc.ATTR_SERVICE_HEALTH_STATE],
    seriesPer: 'process, service and health',
    enabled: true,
  },
  {
    name: sc.METRIC_FLEET_ISSUE_TENANTS,
    instrument: 'gauge',
    valueType: 'int',
    unit: '{tenant}',
    description:
      'Tenants of the estate that see at least one open issue of a classification (incident, advisory; 0 included). ' +
      'Process-wide: no tenant attribute; sum the replicas of a sharded agent.',
    attributes: [sc.ATTR_ISSUE_CLASSIFICATION],
    seriesPer: 'process and classification',
    enabled: true,
  },
]);

/** Every event m365-health emits. */
export const EVENTS: readonly EventDefinition[] = Object.freeze([
  {
    name: sc.EVENT_STATUS_CHANGE,
    description:
      'A service changed status or health between two polls (never on the first sight of a service). ' +
      'Severity ERROR when it became critical, WARN when it became warning, INFO when it is back to ok.',
    severity: 'ERROR | WARN | INFO',
    attributes: [
      ...EVENT_SERVICE,
      sc.ATTR_SERVICE_STATE,
      sc.ATTR_SERVICE_PREVIOUS_STATE,
      sc.ATTR_SERVICE_HEALTH_STATE,
      sc.ATTR_SERVICE_PREVIOUS_HEALTH_STATE,
      sc.ATTR_ISSUE_IDS,
      sc.ATTR_ISSUE_ID,
      sc.ATTR_ISSUE_TITLE,
      sc.ATTR_ISSUE_CLASSIFICATION,
      sc.ATTR_EVENT_ID,
      sc.ATTR_OTEL_EVENT_NAME,
    ],
    enabled: true,
  },
  {
    name: sc.EVENT_ISSUE_UPDATE,
    description:
      'An issue appeared, changed (lastModifiedDateTime, status, classification) or resolved: exactly once per version. ' +
      'Severity WARN for an open incident, INFO for advisories and resolutions. The body is the latest post as plain text.',
    severity: 'WARN | INFO',
    attributes: [
      ...EVENT_SERVICE,
      sc.ATTR_ISSUE_ID,
      sc.ATTR_ISSUE_UPDATE_KIND,
      sc.ATTR_ISSUE_CLASSIFICATION,
      sc.ATTR_ISSUE_STATUS,
      sc.ATTR_ISSUE_FEATURE,
      sc.ATTR_ISSUE_FEATURE_GROUP,
      sc.ATTR_ISSUE_RESOLVED,
      sc.ATTR_ISSUE_START,
      sc.ATTR_ISSUE_END,
      sc.ATTR_ISSUE_TITLE,
      sc.ATTR_ISSUE_IMPACT,
      sc.ATTR_ISSUE_POST,
      sc.ATTR_URL_FULL,
      sc.ATTR_EVENT_ID,
      sc.ATTR_OTEL_EVENT_NAME,
    ],
    enabled: true,
  },
  {
    name: sc.EVENT_MESSAGE_UPDATE,
    description:
      'A message-center post appeared or changed: exactly once per id and lastModifiedDateTime (the backlog found on the ' +
      'first read is not reported). Off by default: `events: { messages: { enabled: true } }`, needs ServiceMessage.Read.All. ' +
      'Severity WARN for high and critical messages, INFO otherwise. The body is the message as plain text.',
    severity: 'WARN | INFO',
    attributes: [
      ...EVENT_TENANT,
      sc.ATTR_MESSAGE_ID,
      sc.ATTR_MESSAGE_UPDATE_KIND,
      sc.ATTR_MESSAGE_TITLE,
      sc.ATTR_MESSAGE_CATEGORY,
      sc.ATTR_MESSAGE_SEVERITY,
      sc.ATTR_MESSAGE_SERVICES,
      sc.ATTR_MESSAGE_TAGS,
      sc.ATTR_MESSAGE_MAJOR_CHANGE,
      sc.ATTR_MESSAGE_ACTION_REQUIRED_BY,
      sc.ATTR_MESSAGE_START,
      sc.ATTR_MESSAGE_END,
      sc.ATTR_URL_FULL,
      sc.ATTR_EVENT_ID,
      sc.ATTR_OTEL_EVENT_NAME,
    ],
    enabled: false,
  },
  {
    name: sc.EVENT_CREDENTIAL_EXPIRING,
    description:
      'The credential the tenant signs in with (its certificate file, or its secret when `credential_expiry.read_app` is ' +
      'on) reached a lead time before its expiry (`credential_expiry.warn_before_days`, default 30 and 7), or expired ' +
      '(`m365.credential.lead_time`, in seconds, 0): exactly once per credential and lead time, across restarts; a credential first seen ' +
      'past several lead times is reported at the shortest one reached. Severity WARN, ERROR once expired.',
    severity: 'WARN | ERROR',
    attributes: [
      ...EVENT_TENANT,
      sc.ATTR_CREDENTIAL_KIND,
      sc.ATTR_CREDENTIAL_KEY_ID,
      sc.ATTR_CREDENTIAL_DISPLAY_NAME,
      sc.ATTR_CREDENTIAL_END,
      sc.ATTR_CREDENTIAL_LEAD_TIME,
      sc.ATTR_EVENT_ID,
      sc.ATTR_OTEL_EVENT_NAME,
    ],
    enabled: true,
  },
  {
    name: sc.EVENT_FLEET_ISSUE_UPDATE,
    description:
      "An issue across the agent's tenants, once per version whichever tenant shows it first: opened (the first tenant shows " +
      'it open), updated (a newer lastModifiedDateTime, status or classification), spread (the affected tenants first ' +
      'reach 10, 100, 1,000...), resolved (the last affected tenant resolves it, stops showing it or leaves the ' +
      'configuration). A tenant joining or leaving is otherwise no event. No tenant identity: the count, the first ' +
      'tenant and a sample of at most 10 names instead. Severity WARN for an open incident, INFO otherwise.',
    severity: 'WARN | INFO',
    attributes: [
      sc.ATTR_ISSUE_ID,
      sc.ATTR_ISSUE_UPDATE_KIND,
      sc.ATTR_ISSUE_CLASSIFICATION,
      sc.ATTR_ISSUE_PREVIOUS_CLASSIFICATION,
      sc.ATTR_ISSUE_STATUS,
      sc.ATTR_ISSUE_TITLE,
      sc.ATTR_ISSUE_SERVICES,
      sc.ATTR_FLEET_TENANT_COUNT,
      sc.ATTR_FLEET_FIRST_TENANT,
      sc.ATTR_FLEET_FIRST_SEEN,
      sc.ATTR_FLEET_TENANT_SAMPLE,
      sc.ATTR_URL_FULL,
      sc.ATTR_EVENT_ID,
      sc.ATTR_OTEL_EVENT_NAME,
    ],
    enabled: true,
  },
]);

/** Looks up a metric's definition by name. */
export function findMetric(name: string): MetricDefinition | undefined {
  return METRICS.find((metric) => metric.name === name);
}

/** Whether a metric is on: the configuration's switch, else the catalogue's default. */
export function isMetricEnabled(switches: Readonly<Record<string, { enabled: boolean }>>, name: string): boolean {
  return switches[name]?.enabled ?? findMetric(name)?.enabled ?? false;
}
