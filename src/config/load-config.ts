import { dirname, resolve } from 'node:path';
import { buildConfig } from './build-config.ts';
import { checkStructure } from './check-structure.ts';
import { describeReadError, expandReferences } from './expand.ts';
import { formatProblem } from './format-problem.ts';
import { deepFreeze } from './freeze.ts';
import { parseYaml } from './parse-yaml.ts';
import { createProblemSink, listProblems, reportProblem, sortProblems } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { readTextFileBounded, readTextFileBoundedSync } from './read-bounded.ts';
import type { Environment } from './setting.ts';
import type { Config, ConfigProblem } from './types.ts';

/** A loaded configuration, or every problem that prevents it, in file order. Frozen either way. */
export type LoadResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/**
 * Reads and validates the config file at `file` (at most 1 MiB, UTF-8). `env` stands for the process environment
 * and is the only one read: by `${env:NAME}` references and for the OpenTelemetry variables (see
 * {@link parseConfig}). Relative `${file:…}` paths and `state.dir` start from the file's directory. Never rejects.
 */
export async function loadConfig(file: string, env: Environment): Promise<LoadResult> {
  let text: string;
  try {
    text = await readTextFileBounded(file);
  } catch (error) {
    const sink = createProblemSink(file);
    reportProblem(sink, [], `cannot read the config file: ${describeReadError(error)}`);
    return failure(sink);
  }
  return parseConfig(text, file, env, readTextFileBoundedSync);
}

/**
 * Validates config text as if read from `file`, and builds the frozen {@link Config}. Every problem is reported at
 * once, each with its YAML path and line; nothing throws.
 *
 * Order of work: parse the YAML (bounded: 1 MiB, 100 aliases, 32 nested flow collections); expand `${env:NAME}`,
 * `${file:PATH}` and `$$` in string values (`readFile` reads referenced files); check the structure against the
 * schema; then check meaning and apply defaults.
 *
 * Precedence of every setting: a key written in the file, then the standard OpenTelemetry environment variable
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `_PROTOCOL`, `_HEADERS`, `_TIMEOUT`, `_COMPRESSION`,
 * `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`, `OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_SERVICE_NAME`), then the built-in default. Headers and resource attributes merge per key, the file winning.
 * For tenants: the tenant's key, then `defaults`, then the built-in default.
 */
export function parseConfig(
  text: string,
  file: string,
  env: Environment,
  readFile: (path: string) => string,
): LoadResult {
  const sink = createProblemSink(file);
  try {
    return parseInto(sink, text, env, readFile);
  } catch (error) {
    const kind = error instanceof Error ? error.name : typeof error;
    reportProblem(sink, [], `internal error while loading the configuration (${kind})`);
    return failure(sink);
  }
}

function parseInto(sink: ProblemSink, text: string, env: Environment, readFile: (path: string) => string): LoadResult {
  const parsed = parseYaml(text, sink);
  if (!parsed.ok) return failure(sink);
  if (parsed.value === null || parsed.value === undefined) {
    reportProblem(sink, [], 'the file is empty: it needs at least a "tenants" list');
    return failure(sink);
  }
  const baseDir = dirname(resolve(sink.file));
  const value = expandReferences(parsed.value, { env, readFile, baseDir }, sink);
  checkStructure(value, sink);
  const config = buildConfig(value, env, sink.file, sink);
  if (sink.problems.length > 0) return failure(sink);
  const warnings = sortProblems(sink.warnings).map(formatProblem);
  return deepFreeze({ ok: true, config: { ...config, warnings } });
}

function failure(sink: ProblemSink): LoadResult {
  return deepFreeze({ ok: false, problems: listProblems(sink) });
}
