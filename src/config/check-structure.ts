import type { ErrorObject } from 'ajv';
import type { CompileCache } from './compile-cache.ts';
import { CONFIG_SCHEMA } from './schema.ts';
import { DURATION_UNITS } from './values.ts';
import { describeType, quoteValue, reportProblem, type ProblemSink, suggestKey } from './problems.ts';
import type { PathSegment } from './yaml-source.ts';

/**
 * Checks the structure of the loaded file against `schema` ({@link CONFIG_SCHEMA} unless told otherwise) and reports
 * every violation at its path. Where a value has the wrong type, that is the only problem reported for it. The validator comes from
 * `cache`, compiled there on first use.
 */
export function checkStructure(
  value: unknown,
  sink: ProblemSink,
  cache: CompileCache,
  schema: object = CONFIG_SCHEMA,
): void {
  const validate = cache.validator(schema);
  if (validate(value)) return;
  const errors = validate.errors ?? [];
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const error of errors) {
    if (error.keyword !== 'type' && wrongType.has(error.instancePath)) continue;
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
      return `must be one of ${listAllowed(error)}; got ${quoteValue(error.data, at)}`;
    case 'minLength':
      return 'must not be empty';
    case 'minItems':
      return at.length === 1 && at[0] === 'tenants' ? 'at least one tenant is required' : 'must not be empty';
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

function listAllowed(error: ErrorObject): string {
  return (error.params['allowedValues'] as unknown[]).join(', ');
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
    .map(jsonTypeToYaml);
  if (expected.length === 1 && expected[0] === 'boolean') return `must be true or false, not ${actual}`;
  return `must be a ${expected.join(' or a ')}, not ${actual}`;
}

function jsonTypeToYaml(type: unknown): string {
  if (type === 'object') return 'mapping';
  if (type === 'array') return 'sequence';
  if (type === 'integer') return 'whole number';
  return String(type);
}

function unknownKeyMessage(key: string, error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const allowed = Object.keys(properties).sort();
  const suggestion = suggestKey(key, allowed);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return `unknown key ${quoteValue(key)}${hint}; allowed keys: ${allowed.join(', ')}`;
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
