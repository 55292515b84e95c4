import { buildAgent } from '../../src/agent/build-agent.ts';
import type { Config, TenantConfig } from '../../src/config/types.ts';
import { SILENT_LOG, type Log } from '../../src/log.ts';
import { Secret } from '../../src/shared/secret.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { exporterTo, type OtlpReceiver } from './otlp-receiver.ts';

/** Contoso of the test-basic scenario on `simulator`, as a tenant of the agent, with `settings` over the defaults. */
export function contosoTenant(simulator: Simulator, settings: Partial<TenantConfig> = {}): TenantConfig {
  return {
    name: 'contoso',
    tenantId: '11111111-1111-1111-1111-111111111111',
    clientId: '22222222-2222-2222-2222-222222222222',
    clientSecret: new Secret('sim-contoso-secret'),
    cloud: 'global',
    endpoints: { login: simulator.url, graph: simulator.url },
    intervalMs: 60_000,
    timeoutMs: 10_000,
    ...settings,
  };
}

/**
 * The `index`th tenant of the scenario on `simulator`, signing in with its first client, as a tenant of the agent,
 * with `settings` over the defaults.
 */
export function scenarioTenant(
  simulator: Simulator,
  index: number,
  settings: Partial<TenantConfig> = {},
): TenantConfig {
  const scenario = simulator.scenario.tenants[index];
  const client = scenario.clients[0];
  return {
    name: scenario.name,
    tenantId: scenario.tenantId,
    clientId: client.clientId,
    clientSecret: new Secret(client.clientSecret),
    cloud: 'global',
    endpoints: { login: simulator.url, graph: simulator.url },
    intervalMs: 60_000,
    timeoutMs: 10_000,
    ...settings,
  };
}

/**
 * The configuration of an agent exporting to `receiver` every minute and polling `tenants`, remembering what it saw in
 * `stateDir` (none: nothing is remembered).
 */
export function agentConfig(receiver: OtlpReceiver, tenants: TenantConfig[], stateDir: string | undefined): Config {
  return {
    exporter: exporterTo(receiver),
    tenants,
    metrics: {},
    resource: {},
    serviceName: 'm365-health',
    stateDir,
    spoolMaxBytes: 64 * 1024 * 1024,
    warnings: [],
  };
}

/**
 * The configuration of an agent exporting to `receiver` and polling contoso of the test-basic scenario on
 * `simulator`, remembering what it saw in `stateDir`.
 */
export function contosoConfig(simulator: Simulator, receiver: OtlpReceiver, stateDir: string): Config {
  return agentConfig(receiver, [contosoTenant(simulator)], stateDir);
}

/** One life of the agent process: built on the state directory, polled by hand, flushed at the end. */
export async function startHandPolledAgent(config: Config, log: Log = SILENT_LOG) {
  const telemetry = createTelemetrySdk({
    exporter: config.exporter,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
  });
  const { agent, saved } = await buildAgent(config, { telemetry, log });
  return {
    async poll() {
      await agent.pollAll();
      await telemetry.forceFlush();
    },
    /** Flushes, and waits for the state writes (delivered events leave the state files) as `run` does. */
    async stop() {
      const undelivered = await telemetry.shutdown(5_000);
      await saved();
      return undelivered;
    },
  };
}
