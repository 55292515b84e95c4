/** Attribute names of m365-health's telemetry. `m365.*` is this project's namespace. */
export const ATTR_TENANT_ID = 'm365.tenant.id';
export const ATTR_TENANT_NAME = 'm365.tenant.name';
export const ATTR_SERVICE_ID = 'm365.service.id';
export const ATTR_SERVICE_NAME = 'm365.service.name';
export const ATTR_SERVICE_STATE = 'm365.service.state';
export const ATTR_SERVICE_PREVIOUS_STATE = 'm365.service.previous_state';
export const ATTR_SERVICE_HEALTH_STATE = 'm365.service.health_state';
export const ATTR_SERVICE_PREVIOUS_HEALTH_STATE = 'm365.service.previous_health_state';
export const ATTR_ISSUE_IDS = 'm365.issue.ids';
export const ATTR_ISSUE_ID = 'm365.issue.id';
export const ATTR_ISSUE_TITLE = 'm365.issue.title';
export const ATTR_ISSUE_CLASSIFICATION = 'm365.issue.classification';
export const ATTR_ISSUE_STATUS = 'm365.issue.status';
export const ATTR_ISSUE_FEATURE = 'm365.issue.feature';
export const ATTR_ISSUE_FEATURE_GROUP = 'm365.issue.feature_group';
export const ATTR_ISSUE_RESOLVED = 'm365.issue.resolved';
export const ATTR_ISSUE_START = 'm365.issue.start';
export const ATTR_ISSUE_END = 'm365.issue.end';
export const ATTR_ISSUE_IMPACT = 'm365.issue.impact';
export const ATTR_ISSUE_POST = 'm365.issue.post';
export const ATTR_ISSUE_UPDATE_KIND = 'm365.issue.update_kind';
export const ATTR_EVENT_ID = 'm365.event.id';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_STATUS_CODE = 'http.response.status_code';
/** The event's name as an attribute, for destinations that have no field for the log record's `EventName`. */
export const ATTR_OTEL_EVENT_NAME = 'otel.event.name';
export const ATTR_FEATURE_GROUP = 'm365.feature.group';
export const ATTR_FEATURE_NAME = 'm365.feature.name';
export const ATTR_MESSAGE_ID = 'm365.message.id';
export const ATTR_MESSAGE_UPDATE_KIND = 'm365.message.update_kind';
export const ATTR_MESSAGE_TITLE = 'm365.message.title';
export const ATTR_MESSAGE_CATEGORY = 'm365.message.category';
export const ATTR_MESSAGE_SEVERITY = 'm365.message.severity';
export const ATTR_MESSAGE_SERVICES = 'm365.message.services';
export const ATTR_MESSAGE_TAGS = 'm365.message.tags';
export const ATTR_MESSAGE_MAJOR_CHANGE = 'm365.message.major_change';
export const ATTR_MESSAGE_ACTION_REQUIRED_BY = 'm365.message.action_required_by';
export const ATTR_MESSAGE_START = 'm365.message.start';
export const ATTR_MESSAGE_END = 'm365.message.end';
export const ATTR_OTEL_COMPONENT_TYPE = 'otel.component.type';
export const ATTR_OTEL_COMPONENT_NAME = 'otel.component.name';
export const ATTR_CREDENTIAL_KIND = 'm365.credential.kind';
export const ATTR_CREDENTIAL_KEY_ID = 'm365.credential.key_id';
export const ATTR_CREDENTIAL_DISPLAY_NAME = 'm365.credential.display_name';
export const ATTR_CREDENTIAL_END = 'm365.credential.end';
export const ATTR_CREDENTIAL_LEAD_TIME = 'm365.credential.lead_time';

/** Metric names. */
export const METRIC_SERVICE_HEALTH = 'm365.service.health';
export const METRIC_SERVICE_STATUS = 'm365.service.status';
export const METRIC_SERVICE_ISSUES = 'm365.service.issues';
export const METRIC_POLL_DURATION = 'm365.poll.duration';
export const METRIC_POLL_SUCCESS = 'm365.poll.success';
export const METRIC_POLL_ERRORS = 'm365.poll.errors';
export const METRIC_GRAPH_REQUESTS = 'm365.graph.requests';
export const METRIC_TOKEN_EXPIRY = 'm365.token.expiry';
export const METRIC_DATA_AGE = 'm365.data.age';
export const METRIC_FEATURE_HEALTH = 'm365.feature.health';
export const METRIC_EVENTS_DROPPED = 'm365.events.dropped';
export const METRIC_EXPORT_REQUESTS = 'm365.export.requests';
export const METRIC_EXPORTER_DATA_POINTS = 'otel.sdk.exporter.metric_data_point.exported';
export const METRIC_EXPORTER_LOG_RECORDS = 'otel.sdk.exporter.log.exported';
export const METRIC_CREDENTIAL_EXPIRY = 'm365.credential.expiry';
export const METRIC_FLEET_SERVICE_TENANTS = 'm365.fleet.service.tenants';
export const METRIC_FLEET_ISSUE_TENANTS = 'm365.fleet.issue.tenants';

/** Event names. */
export const EVENT_STATUS_CHANGE = 'm365.service.status_change';
export const EVENT_ISSUE_UPDATE = 'm365.issue.update';
export const EVENT_MESSAGE_UPDATE = 'm365.message.update';
export const EVENT_CREDENTIAL_EXPIRING = 'm365.credential.expiring';

/** The fleet: every tenant of one agent (of one shard, when sharded). */
export const EVENT_FLEET_ISSUE_UPDATE = 'm365.fleet.issue.update';
export const ATTR_ISSUE_PREVIOUS_CLASSIFICATION = 'm365.issue.previous_classification';
export const ATTR_ISSUE_SERVICES = 'm365.issue.services';
export const ATTR_FLEET_TENANT_COUNT = 'm365.fleet.tenant_count';
export const ATTR_FLEET_TENANT_SAMPLE = 'm365.fleet.tenant_sample';
export const ATTR_FLEET_FIRST_TENANT = 'm365.fleet.first_tenant';
export const ATTR_FLEET_FIRST_SEEN = 'm365.fleet.first_seen';
