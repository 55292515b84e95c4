import type { ProblemSink } from './problems.ts';
import { resolveExporter } from './resolve-exporter.ts';
import { resolveResource } from './resolve-resource.ts';
import { resolveMetrics, resolveStateDir } from './resolve-sections.ts';
import { resolveServer } from './resolve-server.ts';
import { resolveDefaults, resolveTenants } from './resolve-tenants.ts';
import { sectionOf } from './setting.ts';
import type { Environment } from './setting.ts';
import type { Config } from './types.ts';

/**
 * Applies defaults and the environment to the (expanded) file content, checking what the schema cannot: URLs,
 * durations, identifiers, uniqueness. Sections are resolved in the order they are documented, which is also the
 * order of problems that have no line. Problems go to `sink`; the result is only meaningful when there are none.
 */
export function buildConfig(value: unknown, env: Environment, file: string, sink: ProblemSink): Config {
  const root = sectionOf(value);
  const exporter = resolveExporter(root['exporter'], env, sink);
  const defaults = resolveDefaults(root['defaults'], sink);
  const stateDir = resolveStateDir(root['state'], file);
  const { resource, serviceName } = resolveResource(root['resource'], env, sink);
  const metrics = resolveMetrics(root['metrics'], sink);
  const tenants = resolveTenants(root['tenants'], defaults, sink);
  const server = resolveServer(root['server'], 'server' in root, sink);
  return { exporter, tenants, metrics, resource, serviceName, stateDir, ...(server ? { server } : {}), warnings: [] };
}
