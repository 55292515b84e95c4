import { METRIC_SERVICE_STATUS } from '../../catalogue/semconv.ts';
import { Secret } from '../../shared/secret.ts';
import type { Config, ExporterConfig } from '../../config/types.ts';
import type { Scenario } from '../../simulator/index.ts';

export interface DemoConfigOptions {
  /** Base URL of the simulator (login and Graph). */
  simulatorUrl: string;
  scenario: Scenario;
  intervalMs: number;
  exporter: ExporterConfig;
  /** Port of the status page on 127.0.0.1 (0: any free port). */
  statusPort: number;
}

/**
 * The agent configuration of the demo: every tenant of the scenario, with its first client that holds the
 * ServiceHealth.Read.All permission, pointed at the simulator.
 */
export function buildDemoConfig(options: DemoConfigOptions): Config {
  const tenants = options.scenario.tenants.flatMap((tenant) => {
    const client = tenant.clients.find((c) => c.permission && !c.expired);
    if (!client) return [];
    return [
      {
        name: tenant.name,
        tenantId: tenant.tenantId,
        clientId: client.clientId,
        clientSecret: new Secret(client.clientSecret),
        cloud: 'global' as const,
        endpoints: { login: options.simulatorUrl, graph: options.simulatorUrl },
        intervalMs: options.intervalMs,
        timeoutMs: Math.min(options.intervalMs, 10_000),
      },
    ];
  });
  return Object.freeze({
    exporter: options.exporter,
    tenants,
    // The terminal view shows each service's Graph status: two tenants can afford the state set, off by default.
    metrics: { [METRIC_SERVICE_STATUS]: { enabled: true } },
    resource: { 'deployment.environment.name': 'demo' },
    serviceName: 'm365-health',
    stateDir: undefined,
    spoolMaxBytes: 64 * 1024 * 1024,
    server: { host: '127.0.0.1', port: options.statusPort },
    warnings: [],
  });
}
