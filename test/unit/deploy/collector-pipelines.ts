import { list, record } from './deploy-files.ts';

type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';
const SIGNALS = new Set(['metrics', 'logs', 'traces', 'profiles']);

/** The component ids (`type` or `type/name`) a collector config defines, by kind. */
function definedComponents(config: Record<string, unknown>): Record<ComponentKind, Set<string>> {
  const ids = (kind: string) => new Set(Object.keys(record(config[kind])));
  return {
    receivers: ids('receivers'),
    processors: ids('processors'),
    exporters: ids('exporters'),
    connectors: ids('connectors'),
    extensions: ids('extensions'),
  };
}

/**
 * The wiring problems of an OpenTelemetry Collector config, as sentences: pipelines naming components that are not
 * defined, defined components that no pipeline uses, extensions defined but not enabled (or enabled but not
 * defined), pipelines without receivers or exporters, and pipeline ids of no known signal.
 */
export function checkCollectorWiring(parsed: unknown): string[] {
  const config = record(parsed);
  const defined = definedComponents(config);
  const service = record(config['service']);
  const pipelines = record(service['pipelines']);
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  const problems: string[] = [];
  if (Object.keys(pipelines).length === 0) problems.push('service.pipelines is empty');
  for (const [id, body] of Object.entries(pipelines)) {
    if (!SIGNALS.has(id.split('/')[0]))
      problems.push(`pipeline ${id}: not a metrics, logs, traces or profiles pipeline`);
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      const names = list(record(body)[kind]).map(String);
      if (kind !== 'processors' && names.length === 0) problems.push(`pipeline ${id}: no ${kind}`);
      for (const name of names) {
        used[kind].add(name);
        const asConnector = kind !== 'processors' && defined.connectors.has(name);
        if (!defined[kind].has(name) && !asConnector)
          problems.push(`pipeline ${id}: ${kind.slice(0, -1)} ${name} is not defined`);
      }
    }
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    for (const name of defined[kind])
      if (!used[kind].has(name)) problems.push(`${kind.slice(0, -1)} ${name} is defined but no pipeline uses it`);
  }
  const enabled = new Set(list(service['extensions']).map(String));
  for (const name of enabled)
    if (!defined.extensions.has(name)) problems.push(`extension ${name} is enabled but not defined`);
  for (const name of defined.extensions)
    if (!enabled.has(name)) problems.push(`extension ${name} is defined but not in service.extensions`);
  return problems;
}

/** The port of a component's `endpoint: host:port` setting, if any. */
export function endpointPort(component: unknown): number | undefined {
  const endpoint = record(component)['endpoint'];
  const match = typeof endpoint === 'string' ? /:(\d+)$/.exec(endpoint) : null;
  return match ? Number(match[1]) : undefined;
}
