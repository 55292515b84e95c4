import { loadScenario } from './scenario-loader.ts';
import type { ScenarioClient } from './scenario-schema.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';

/** Options of `m365-health simulate`. */
export type RunOptions = Partial<Omit<SimulatorOptions, 'scenario'>>;

/** Loads a scenario file and starts the simulator on it (default 127.0.0.1, port 0). */
export async function runSimulatorFromFile(path: string | URL, options: RunOptions = {}): Promise<Simulator> {
  const scenario = await loadScenario(path);
  return startSimulator({ ...options, scenario });
}

/**
 * A human-readable banner: where login and Graph answer, the scope to ask for, and every tenant with its demo
 * credentials. Scenario secrets are fixed values written in the scenario, not real credentials, so they are shown.
 */
export function formatSimulatorBanner(sim: Simulator): string {
  const { url, scenario } = sim;
  const lines = [
    `m365-health simulator listening on ${url}`,
    `  login (Entra)   ${url}/{tenant}/v2.0  (token: ${url}/{tenant}/oauth2/v2.0/token)`,
    `  graph           ${url}/v1.0/admin/serviceAnnouncement/healthOverviews`,
    `  scope           ${url}/.default`,
    `  agent config    endpoints: { login: ${url}, graph: ${url} }`,
    'tenants (demo credentials, not secrets):',
  ];
  for (const tenant of scenario.tenants) {
    const domain = tenant.domain ? ` (${tenant.domain})` : '';
    const counts = `${tenant.services.length} services, tokens ${tenant.tokenLifetimeSeconds}s`;
    lines.push(`  ${tenant.name}  tenant ${tenant.tenantId}${domain}, ${counts}`);
    for (const client of tenant.clients) {
      lines.push(`    client ${client.clientId}  secret ${client.clientSecret}${clientNote(client)}`);
    }
  }
  const loop = scenario.loopMs === undefined ? 'plays once' : `repeats every ${formatDuration(scenario.loopMs)}`;
  lines.push(`timeline: ${scenario.timeline.length} events, ${loop}`);
  return lines.join('\n');
}

function clientNote(client: ScenarioClient): string {
  const notes = [client.expired ? 'expired secret' : '', client.permission ? '' : 'no ServiceHealth.Read.All'];
  const present = notes.filter((n) => n !== '');
  return present.length === 0 ? '' : `  (${present.join(', ')})`;
}

/** Formats milliseconds the way scenarios write them (`90s`, `3m`, `1h`). */
function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms !== 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms !== 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
