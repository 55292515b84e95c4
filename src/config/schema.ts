import { CLOUD_NAMES } from './clouds.ts';
import { CREDENTIAL_PROPERTIES } from './credentials.ts';

/** `kind` is an annotation keyword, read when wording type errors. */
const duration = { type: 'string', kind: 'duration' } as const;
const text = { type: 'string', minLength: 1 } as const;

/** An optional section: a closed mapping, or `null` when all its entries are commented out. */
function section(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: ['object', 'null'], properties, additionalProperties: false };
}

function stringMap(): Record<string, unknown> {
  return { type: ['object', 'null'], additionalProperties: { type: 'string' } };
}

const exporter = section({
  endpoint: text,
  protocol: { type: 'string', enum: ['http/protobuf', 'http/json'] },
  headers: stringMap(),
  interval: duration,
  timeout: duration,
  compression: { type: 'string', enum: ['none', 'gzip'] },
  temporality: { type: 'string', enum: ['cumulative', 'delta'] },
  tls: section({ ca_file: text, cert_file: text, key_file: text }),
});

/** Severity expressions; an empty one never matches. */
const severity = section({ critical: { type: 'string' }, warning: { type: 'string' } });

/** Optional events, each switched with `enabled` like a metric. */
const events = section({
  messages: {
    type: 'object',
    required: ['enabled'],
    additionalProperties: false,
    properties: { enabled: { type: 'boolean' } },
  },
});

const cloud = { type: 'string', enum: CLOUD_NAMES };

const http = section({ proxy: text, no_proxy: { type: 'string' }, ca_file: text });

const tenant = {
  type: 'object',
  // tenant_id and client_id are required too, unless AZURE_TENANT_ID and AZURE_CLIENT_ID stand in: checked in code.
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: text,
    tenant_id: text,
    client_id: text,
    ...CREDENTIAL_PROPERTIES,
    cloud,
    endpoints: section({ login: text, graph: text }),
    http,
    interval: duration,
    timeout: duration,
    severity,
    events,
  },
};

const metricToggle = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
};

/**
 * The structure of a config file, as JSON Schema for ajv: types, required keys, closed key sets and enumerations.
 * Meaning (durations, URLs, GUIDs, limits) is checked in code, which gives better messages. Optional sections accept
 * `null`, which is how YAML reads a key whose entries are all commented out.
 */
export const CONFIG_SCHEMA = {
  type: 'object',
  // `tenants` is required, and must not be empty, unless `tenants_from` is there: checked in code.
  additionalProperties: false,
  properties: {
    exporter,
    defaults: section({ interval: duration, timeout: duration, cloud, severity }),
    events,
    state: section({ dir: text, spool_max_size: text }),
    server: section({ listen: text }),
    http,
    resource: stringMap(),
    metrics: { type: ['object', 'null'], additionalProperties: metricToggle },
    tenants: { type: 'array', items: tenant },
    tenants_from: { type: ['array', 'null'], items: text },
  },
} as const;

/**
 * The structure of a file named by `tenants_from`: a mapping with one key, `tenants`, a list of at least one
 * tenant. The tenants themselves are checked with the main file's, once merged.
 */
export const TENANTS_FILE_SCHEMA = {
  type: 'object',
  required: ['tenants'],
  additionalProperties: false,
  properties: { tenants: { type: 'array', minItems: 1 } },
} as const;
