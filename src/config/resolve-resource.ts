import { CONFIG_DEFAULTS } from './defaults.ts';
import { parseKeyValueList, readEnv, sectionOf, type Environment } from './values.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';

const ATTRIBUTES_VARIABLE = 'OTEL_RESOURCE_ATTRIBUTES';
const SERVICE_NAME_VARIABLE = 'OTEL_SERVICE_NAME';
const SERVICE_NAME = 'service.name';

/**
 * The extra resource attributes and the service name. Attributes are those of `OTEL_RESOURCE_ATTRIBUTES`
 * (`k=v,…`, percent-decoded values), then the file's `resource` section, which wins per key. The service name is,
 * first found: `resource` → `service.name` in the file, `OTEL_SERVICE_NAME`, `service.name` in
 * `OTEL_RESOURCE_ATTRIBUTES`, then the default ({@link CONFIG_DEFAULTS}); it is not repeated among the attributes.
 */
export function resolveResource(
  raw: unknown,
  env: Environment,
  sink: ProblemSink,
): { resource: Record<string, string>; serviceName: string } {
  const fromEnv = attributesFromEnv(env, sink);
  const fromFile = attributesFromFile(raw, sink);
  const merged = new Map([...fromEnv, ...fromFile]);
  const serviceName =
    fromFile.get(SERVICE_NAME) ??
    readEnv(env, SERVICE_NAME_VARIABLE) ??
    fromEnv.get(SERVICE_NAME) ??
    CONFIG_DEFAULTS.resource.serviceName;
  merged.delete(SERVICE_NAME);
  return { resource: Object.fromEntries(merged), serviceName };
}

function attributesFromEnv(env: Environment, sink: ProblemSink): Map<string, string> {
  const text = readEnv(env, ATTRIBUTES_VARIABLE);
  if (text === undefined) return new Map();
  const list = parseKeyValueList(text);
  if (list.ok) return new Map(list.entries);
  reportProblem(sink, ['resource'], `${ATTRIBUTES_VARIABLE}: ${list.message}`, { outsideFile: true });
  return new Map();
}

function attributesFromFile(raw: unknown, sink: ProblemSink): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const [key, value] of Object.entries(sectionOf(raw))) {
    if (typeof value !== 'string') continue;
    if (key.trim() === '') reportProblem(sink, ['resource'], 'attribute names must not be empty', { atKey: key });
    else if (key === SERVICE_NAME && value === '') reportProblem(sink, ['resource', key], 'must not be empty');
    else attributes.set(key, value);
  }
  return attributes;
}
