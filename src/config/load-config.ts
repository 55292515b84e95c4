import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { CertificateSources } from './credentials.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { resolveExporter } from './exporter.ts';
import {
  checkSecretFilePermissions,
  describeReadError,
  expandReferences,
  holdsLiteralSecret,
  readFileBoundedSync,
  readTextFileBoundedSync,
} from './files.ts';
import {
  createProblemSink,
  formatProblem,
  listProblems,
  type ProblemSink,
  reportProblem,
  sortProblems,
} from './problems.ts';
import { checkStructure, SchemaValidators } from './schema.ts';
import {
  resolveHttp,
  resolveMetrics,
  resolveResource,
  resolveServer,
  resolveSpoolMaxBytes,
  resolveStateDir,
} from './sections.ts';
import { type DiscoveredCustomers, discoveredTenants, resolveCustomerSources } from './customer-sources.ts';
import { createFileLister, type ListFiles } from './tenant-files.ts';
import { collectProblems, type ConfigSources, mergeTenantsFrom } from './tenants-from.ts';
import { resolveTenants } from './tenants.ts';
import type { Config, ConfigProblem } from './types.ts';
import { type Environment, sectionOf } from './values.ts';
import { parseYaml } from './yaml.ts';

/**
 * A loaded configuration, or every problem that prevents it, in file order. Frozen either way. `sources` names the
 * files read and the directories where `tenants_from` files may appear (absent when the file could not be parsed).
 */
export type LoadResult = ({ ok: true; config: Config } | { ok: false; problems: ConfigProblem[] }) & {
  sources?: ConfigSources;
  /**
   * A digest of every file read and its content (or its read error), set by {@link loadConfig}: two loads with the
   * same digest read the same bytes, so a reload can tell a touched file from a changed one.
   */
  digest?: string;
};

/**
 * What loading reads besides the config text: binary files (certificates) and the time (certificate validity); and
 * the schema validators it may reuse from an earlier load.
 */
export interface LoadOptions {
  /** Reads a whole file as bytes; default: bounded to 1 MiB from disk. */
  readBytes?: (path: string) => Uint8Array;
  /** ms since epoch; default `Date.now()`. */
  now?: number;
  /** Lists the files matching a `tenants_from` pattern; default `fs.globSync`, bounded by {@link createFileLister}. */
  listFiles?: ListFiles;
  /** Where the schema validators are compiled; default: new ones for this load. */
  validators?: SchemaValidators;
  /** The customers the agent last listed for each `delegated_admin_customers` source; default: none yet. */
  customers?: DiscoveredCustomers;
}

/**
 * Reads and validates the config file at `file` (at most 1 MiB, UTF-8). `env` stands for the process environment
 * and is the only one read: by `${env:NAME}` references and for the OpenTelemetry variables (see
 * {@link parseConfig}). Relative `${file:…}` paths and `state.dir` start from the file's directory. Never rejects.
 */
export async function loadConfig(file: string, env: Environment, options: LoadOptions = {}): Promise<LoadResult> {
  const hash = createHash('sha256');
  const recorded =
    <T extends string | Uint8Array>(read: (path: string) => T) =>
    (path: string): T => {
      hash.update(`${path}\0`);
      try {
        const content = read(path);
        hash.update(`${content.length}\0`).update(content);
        return content;
      } catch (error) {
        hash.update(`error ${String((error as { code?: unknown } | null)?.code)}\0`);
        throw error;
      }
    };
  const readFile = recorded(readTextFileBoundedSync);
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const sink = createProblemSink(file);
    reportProblem(sink, [], `cannot read the config file: ${describeReadError(error)}`);
    return Object.freeze({ ...failure(sink).result, digest: hash.digest('hex') });
  }
  const readBytes = recorded(options.readBytes ?? readFileBoundedSync);
  // The customers listed are part of what was read: a list that changed is a change, as a file is.
  const customers: DiscoveredCustomers = (source) => {
    const listed = options.customers?.(source);
    hash.update(`customers ${source.index}\0${JSON.stringify(listed ?? null)}\0`);
    return listed;
  };
  const parsed = parseFiles(text, file, env, readFile, { ...options, readBytes, customers });
  // What parsing returns is frozen through already: only what is added here is frozen, not the tenants again.
  const result = Object.freeze({ ...parsed.result, digest: hash.digest('hex') });
  if (!result.ok) return result;
  const exposed = await checkSecretFilePermissions(parsed.secretFiles);
  if (exposed.length === 0) return result;
  const warnings = Object.freeze([...result.config.warnings, ...exposed]);
  return Object.freeze({ ...result, config: Object.freeze({ ...result.config, warnings }) });
}

/**
 * Validates config text as if read from `file`, and builds the frozen {@link Config}. Every problem is reported at
 * once, each with its YAML path and line; nothing throws.
 *
 * Order of work: parse the YAML (bounded: 1 MiB, 100 aliases, 32 nested flow collections); expand `${env:NAME}`,
 * `${file:PATH}` and `$$` in string values (`readFile` reads referenced files); append the tenants of the
 * `tenants_from` files; check the structure against the schema; then check meaning and apply defaults.
 *
 * Precedence of every setting: a key written in the file (for a tenant: its own key, then `defaults`), then the
 * standard OpenTelemetry environment variable, or for a config with a single tenant the Azure SDK's, then the
 * built-in default. Certificates and CA bundles are read and checked here (`readFile`/`options.readBytes`, at
 * `options.now`).
 */
export function parseConfig(
  text: string,
  file: string,
  env: Environment,
  readFile: (path: string) => string,
  options: LoadOptions = {},
): LoadResult {
  return parseFiles(text, file, env, readFile, options).result;
}

/** {@link parseConfig}'s result, and the files read that write a secret themselves (absolute paths, in order). */
interface ParsedFiles {
  result: LoadResult;
  secretFiles: readonly string[];
}

function parseFiles(
  text: string,
  file: string,
  env: Environment,
  readFile: (path: string) => string,
  options: LoadOptions,
): ParsedFiles {
  const sink = createProblemSink(file);
  try {
    return parseInto(sink, text, env, readFile, options);
  } catch (error) {
    const kind = error instanceof Error ? error.name : typeof error;
    reportProblem(sink, [], `internal error while loading the configuration (${kind})`);
    return failure(sink);
  }
}

function parseInto(
  sink: ProblemSink,
  text: string,
  env: Environment,
  readFile: (path: string) => string,
  options: LoadOptions,
): ParsedFiles {
  const parsed = parseYaml(text, sink);
  if (!parsed.ok) return failure(sink);
  if (parsed.value === null || parsed.value === undefined) {
    reportProblem(sink, [], 'the file is empty: it needs at least a "tenants" list');
    return failure(sink);
  }
  const baseDir = dirname(resolve(sink.file));
  const expanded = expandReferences(parsed.value, { env, readFile, baseDir }, sink);
  const validators = options.validators ?? new SchemaValidators();
  const listFiles = options.listFiles ?? createFileLister();
  const from = { env, readFile, baseDir, configFile: sink.file, listFiles, validators };
  const { value, files, sources } = mergeTenantsFrom(expanded, from, sink);
  checkStructure(value, sink, validators);
  const readBytes = options.readBytes ?? readFileBoundedSync;
  const config = buildConfig(
    value,
    env,
    sink.file,
    { baseDir, readFile, readBytes, now: options.now ?? Date.now() },
    sink,
    options.customers ?? (() => undefined),
  );
  const problems = collectProblems(sink, files);
  if (problems.length > 0) return { result: deepFreeze({ ok: false, problems, sources }), secretFiles: [] };
  const warnings = [sink, ...files.map((file) => file.sink)]
    .flatMap((each) => sortProblems(each.warnings))
    .map(formatProblem);
  const secretFiles = [
    ...(holdsLiteralSecret(parsed.value) ? [resolve(sink.file)] : []),
    ...files.filter((each) => each.literalSecret === true).map((each) => resolve(each.sink.file)),
  ];
  return { result: deepFreeze({ ok: true, config: { ...config, warnings }, sources }), secretFiles };
}

function failure(sink: ProblemSink): ParsedFiles {
  return { result: deepFreeze({ ok: false, problems: listProblems(sink) }), secretFiles: [] };
}

/**
 * Applies defaults and the environment to the (expanded) file content, checking what the schema cannot: URLs,
 * durations, identifiers, uniqueness. Sections are resolved in the order they are documented, which is also the
 * order of problems that have no line. Problems go to `sink`; the result is only meaningful when there are none.
 */
function buildConfig(
  value: unknown,
  env: Environment,
  file: string,
  sources: CertificateSources,
  sink: ProblemSink,
  customers: DiscoveredCustomers,
): Config {
  const root = sectionOf(value);
  const exporter = resolveExporter(root['exporter'], env, sources, sink);
  const stateDir = resolveStateDir(root['state'], file);
  const spoolMaxBytes = resolveSpoolMaxBytes(root['state'], sink);
  const { resource, serviceName } = resolveResource(root['resource'], env, sink);
  const metrics = resolveMetrics(root['metrics'], sink);
  const http = resolveHttp(root['http'], ['http'], CONFIG_DEFAULTS.http, sources, sink);
  const configured = resolveTenants(root, { http, sources, env }, sink);
  const customerSources = resolveCustomerSources(root, { http, sources, env }, sink);
  const tenants = [...configured, ...discoveredTenants(customerSources, configured, customers)];
  const server = resolveServer(root['server'], 'server' in root, sink);
  return {
    exporter,
    tenants,
    metrics,
    resource,
    serviceName,
    stateDir,
    spoolMaxBytes,
    ...(server ? { server } : {}),
    warnings: [],
    ...(customerSources.length > 0 ? { customerSources } : {}),
  };
}

/** Freezes `value` and everything reachable from it, so no part of a loaded configuration can change. */
export function deepFreeze<T>(value: T): T {
  freezeReachable(value, new WeakSet());
  return value;
}

function freezeReachable(value: unknown, seen: WeakSet<object>): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    freezeReachable((value as Record<PropertyKey, unknown>)[key], seen);
  }
}
