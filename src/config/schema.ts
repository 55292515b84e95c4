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
});

const cloud = { type: 'string', enum: CLOUD_NAMES };

const tenant = {
  type: 'object',
  required: ['name', 'tenant_id', 'client_id'],
  additionalProperties: false,
  properties: {
    name: text,
    tenant_id: text,
    client_id: text,
    ...CREDENTIAL_PROPERTIES,
    cloud,
    endpoints: section({ login: text, graph: text }),
    interval: duration,
    timeout: duration,
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
  required: ['tenants'],
  additionalProperties: false,
  properties: {
    exporter,
    defaults: section({ interval: duration, timeout: duration, cloud }),
    state: section({ dir: text }),
    server: section({ listen: text }),
    resource: stringMap(),
    metrics: { type: ['object', 'null'], additionalProperties: metricToggle },
    tenants: { type: 'array', minItems: 1, items: tenant },
  },
} as const;
