import type { CompileCache } from './schema.ts';
import type { ProblemSink } from './problems.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { resolveHttp } from './http.ts';
import type { CertificateSources } from './credentials.ts';
import { resolveExporter, withExporterTls } from './exporter.ts';
import { resolveResource, resolveMetrics, resolveSpoolMaxBytes, resolveStateDir, resolveServer } from './sections.ts';
import { applyTenantTelemetry, resolveDefaults, resolveTenants } from './tenants.ts';
import { sectionOf, type Environment } from './values.ts';
import type { Config } from './types.ts';

/** What building the config may read besides the file: referenced files (CA bundles, certificates) and the time. */
export interface BuildSources extends CertificateSources {
  /** Reads a whole text file (bounded); throws with a `code` when it cannot. */
  readFile: (path: string) => string;
}

/**
 * Applies defaults and the environment to the (expanded) file content, checking what the schema cannot: URLs,
 * durations, identifiers, uniqueness. Sections are resolved in the order they are documented, which is also the
 * order of problems that have no line. Problems go to `sink`; the result is only meaningful when there are none.
 * Severity expressions are compiled through `cache`.
 */
export function buildConfig(
  value: unknown,
  env: Environment,
  file: string,
  sources: BuildSources,
  sink: ProblemSink,
  cache: CompileCache,
): Config {
  const root = sectionOf(value);
  const exporter = withExporterTls(resolveExporter(root['exporter'], env, sink), root['exporter'], env, sources, sink);
  const defaults = resolveDefaults(root['defaults'], sink);
  const stateDir = resolveStateDir(root['state'], file);
  const spoolMaxBytes = resolveSpoolMaxBytes(root['state'], sink);
  const { resource, serviceName } = resolveResource(root['resource'], env, sink);
  const metrics = resolveMetrics(root['metrics'], sink);
  const http = resolveHttp(root['http'], ['http'], CONFIG_DEFAULTS.http, sources, sink);
  const tenants = applyTenantTelemetry(
    resolveTenants(root['tenants'], defaults, { http, sources, env }, sink),
    root,
    sink,
    cache,
  );
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
  };
}
