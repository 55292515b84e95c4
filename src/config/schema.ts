import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ASSERTION_ALGORITHMS } from '../certificate/client-certificate.ts';
import { CLOUD_NAMES } from './defaults.ts';
import { COMPRESSIONS, PROTOCOLS, TEMPORALITIES } from './exporter.ts';
import { describeType, type PathSegment, type ProblemSink, quoteValue, reportProblem } from './problems.ts';
import { DURATION_UNITS } from './values.ts';

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
  protocol: { type: 'string', enum: PROTOCOLS },
  headers: stringMap(),
  interval: duration,
  timeout: duration,
  compression: { type: 'string', enum: COMPRESSIONS },
  temporality: { type: 'string', enum: TEMPORALITIES },
  tls: section({ ca_file: text, cert_file: text, key_file: text }),
});

/** Severity expressions; an empty one never matches. */
const severity = section({ critical: { type: 'string' }, warning: { type: 'string' } });

/** A metric's or an optional event's switch. */
const toggle = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
};

const events = section({ messages: toggle });

/** Reading the app's secrets from Graph, where its registration lives, and the lead times of the warnings. */
const credentialExpiry = section({
  read_app: { type: 'boolean' },
  home_tenant: text,
  warn_before_days: {
    type: 'array',
    minItems: 1,
    maxItems: 10,
    items: { type: 'integer', minimum: 1, maximum: 3650 },
  },
});

const cloud = { type: 'string', enum: CLOUD_NAMES };

const http = section({ proxy: text, no_proxy: { type: 'string' }, ca_file: text });

/** Every setting of a tenant but its identity: what `defaults` may set for all of them. */
const tenantSettings = {
  client_id: text,
  // The credentials, one per kind: a tenant sets exactly one, which is checked in code.
  client_secret: text,
  certificate: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: text,
      password: { type: 'string' },
      algorithm: { type: 'string', enum: ASSERTION_ALGORITHMS },
    },
  },
  federated_token_file: text,
  cloud,
  endpoints: section({ login: text, graph: text }),
  http,
  interval: duration,
  timeout: duration,
  severity,
  events,
  credential_expiry: credentialExpiry,
};

/** The keys each tenant must set itself, which `defaults` refuses with a message of their own. */
const TENANT_ONLY = ['name', 'tenant_id'];

const tenant = {
  type: 'object',
  // tenant_id and client_id are required too, unless AZURE_TENANT_ID and AZURE_CLIENT_ID (or, for client_id,
  // `defaults`) stand in: checked in code.
  required: ['name'],
  additionalProperties: false,
  properties: { name: text, tenant_id: text, ...tenantSettings },
};

/**
 * A `tenants_from` entry: a glob pattern of tenants files, or a partner tenant whose delegated admin customers are
 * listed: its `tenant_id` and any setting of a tenant (each customer is polled with them), how often the list is read
 * again and which customers are kept.
 */
const tenantsSource = {
  if: { type: 'string' },
  then: text,
  else: {
    type: 'object',
    required: ['delegated_admin_customers'],
    additionalProperties: false,
    properties: {
      delegated_admin_customers: {
        type: 'object',
        required: ['tenant_id'],
        additionalProperties: false,
        properties: {
          tenant_id: text,
          refresh: duration,
          include: { type: 'array', items: text },
          exclude: { type: 'array', items: text },
          ...tenantSettings,
        },
      },
    },
  },
};

/**
 * The structure of a config file, as JSON Schema for ajv: types, required keys, closed key sets and enumerations.
 * Meaning (durations, URLs, GUIDs, limits) is checked in code, which gives better messages. Optional sections accept
 * `null`, which is how YAML reads a key whose entries are all commented out.
 */
const CONFIG_SCHEMA = {
  type: 'object',
  // `tenants` is required, and must not be empty, unless `tenants_from` is there (not `null`).
  if: { properties: { tenants_from: { type: 'null' } } },
  then: { required: ['tenants'], properties: { tenants: { type: 'array', minItems: 1 } } },
  additionalProperties: false,
  properties: {
    exporter,
    defaults: { ...section(tenantSettings), tenantOnly: TENANT_ONLY },
    events,
    state: section({ dir: text, spool_max_size: text }),
    server: section({ listen: text }),
    http,
    resource: stringMap(),
    metrics: { type: ['object', 'null'], additionalProperties: toggle },
    tenants: { type: 'array', items: tenant },
    tenants_from: { type: ['array', 'null'], items: tenantsSource },
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

/**
 * Checks the structure of the loaded file against `schema` ({@link CONFIG_SCHEMA} unless told otherwise) and reports
 * every violation at its path. Where a value has the wrong type, that is the only problem reported for it. The
 * validator comes from `validators`, compiled there on first use.
 */
export function checkStructure(
  value: unknown,
  sink: ProblemSink,
  validators: SchemaValidators,
  schema: object = CONFIG_SCHEMA,
): void {
  const validate = validators.validator(schema);
  if (validate(value)) return;
  const errors = validate.errors ?? [];
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const error of errors) {
    // A failing `if` is told by the errors of its `then`, which may repeat one found by another part of the schema.
    const id = `${error.keyword} ${error.instancePath} ${JSON.stringify(error.params)}`;
    if (error.keyword === 'if' || seen.has(id) || (error.keyword !== 'type' && wrongType.has(error.instancePath)))
      continue;
    seen.add(id);
    const at = pointerToPath(error.instancePath, value);
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params['additionalProperty']);
      reportProblem(sink, at, unknownKeyMessage(key, error), { atKey: key });
      continue;
    }
    reportProblem(sink, at, describeError(error, at));
  }
}

function describeError(error: ErrorObject, at: readonly PathSegment[]): string {
  switch (error.keyword) {
    case 'type':
      return typeMessage(error);
    case 'required':
      return `missing required key ${quoteValue(error.params['missingProperty'])}`;
    case 'enum':
      return `must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}; got ${quoteValue(error.data, at)}`;
    case 'minLength':
      return 'must not be empty';
    case 'minItems':
      return at.length === 1 && at[0] === 'tenants' ? 'at least one tenant is required' : 'must not be empty';
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

function typeMessage(error: ErrorObject): string {
  const actual = error.data === null || error.data === undefined ? 'null' : `a ${describeType(error.data)}`;
  if ((error.parentSchema as { kind?: string } | undefined)?.kind === 'duration') {
    if (typeof error.data === 'number') {
      return `${error.data} has no unit; write a duration such as "30s", "5m" or "1m30s" (units: ${DURATION_UNITS})`;
    }
    return `must be a duration such as "30s" or "5m", not ${actual}`;
  }
  const expected = [error.params['type']]
    .flat()
    .filter((t) => t !== 'null')
    .map((type) => YAML_TYPES[String(type)] ?? String(type));
  if (expected.length === 1 && expected[0] === 'boolean') return `must be true or false, not ${actual}`;
  return `must be a ${expected.join(' or a ')}, not ${actual}`;
}

const YAML_TYPES: Readonly<Record<string, string>> = { object: 'mapping', array: 'sequence', integer: 'whole number' };

function unknownKeyMessage(key: string, error: ErrorObject): string {
  const parent = error.parentSchema as { properties?: Record<string, unknown>; tenantOnly?: string[] } | undefined;
  if (parent?.tenantOnly?.includes(key)) {
    return `${quoteValue(key)} cannot be a default: each tenant sets its own ${parent.tenantOnly.join(' and ')}`;
  }
  const allowed = Object.keys(parent?.properties ?? {}).sort();
  return `unknown key ${quoteValue(key)}${didYouMean(key, allowed)}; allowed keys: ${allowed.join(', ')}`;
}

/** Turns an ajv instance path (`/tenants/1/client_id`) into path segments, telling indexes from keys by the data. */
function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment: PathSegment = Array.isArray(node) ? Number(key) : key;
    segments.push(segment);
    node = (node as Record<PathSegment, unknown> | null | undefined)?.[segment];
  }
  return segments;
}

/**
 * The compiled validators of the config file's schemas (tens of milliseconds each to compile). Whoever loads
 * configurations again and again (the agent at each reload, `validate`, tests) keeps one and passes it to every load.
 */
export class SchemaValidators {
  readonly #validators = new Map<object, ValidateFunction>();

  /** The validator of a JSON schema (with the `kind` and `tenantOnly` keywords above), compiled on first use. */
  validator(schema: object): ValidateFunction {
    let validate = this.#validators.get(schema);
    if (validate === undefined) {
      const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
      ajv.addKeyword({ keyword: 'kind', schemaType: 'string' });
      ajv.addKeyword({ keyword: 'tenantOnly', schemaType: 'array' });
      validate = ajv.compile(schema);
      this.#validators.set(schema, validate);
    }
    return validate;
  }
}

const MAX_DISTANCE = 2;

/**
 * ` (did you mean "<allowed>"?)` with the allowed key closest to a misspelt one (`endpiont` → `endpoint`, `tenantId`
 * → `tenant_id`), if any is within two edits once case and separators are ignored; else nothing.
 */
export function didYouMean(key: string, allowed: readonly string[]): string {
  const wanted = normalize(key);
  let best: string | undefined;
  let bestDistance = MAX_DISTANCE + 1;
  for (const candidate of allowed) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_\-. ]/g, '');
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_DISTANCE) return MAX_DISTANCE + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
