import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_CLIENT_ID, benchTenantId, benchTenantName } from './scenario.ts';

/** Environment variable the generated config reads the bench app's secret from. */
export const SECRET_VARIABLE = 'BENCH_CLIENT_SECRET';

export interface AgentConfigInput {
  readonly dir: string;
  readonly simulatorUrl: string;
  readonly receiverUrl: string;
  readonly tenants: number;
  readonly intervalMs: number;
  /**
   * Whether the `m365.service.status` state set and `m365.feature.health` are switched on (everything on, as the
   * runs before they were turned off by default measured), or left off (the catalogue's default).
   */
  readonly serviceStatus: boolean;
}

/** Tenants per `tenants_from` file: a config file may not exceed 1 MiB, and 10,000 tenants take about 2 MB. */
const TENANTS_PER_FILE = 1000;

/**
 * Writes an agent configuration for the bench: the default telemetry (OTLP/protobuf, cumulative, no compression)
 * exported at the poll interval to the bench receiver, and every tenant polled at that interval, listed in
 * `tenants_from` files of a thousand tenants, as a provider with many customers would keep them.
 */
export async function writeAgentConfig(input: AgentConfigInput): Promise<string> {
  const seconds = `${input.intervalMs / 1000}s`;
  const exportTimeout = `${Math.min(10, input.intervalMs / 1000)}s`;
  const endpoints = `{ login: ${input.simulatorUrl}, graph: ${input.simulatorUrl} }`;
  const lines = [
    'exporter:',
    `  endpoint: ${input.receiverUrl}`,
    `  interval: ${seconds}`,
    `  timeout: ${exportTimeout}`,
    'defaults:',
    `  interval: ${seconds}`,
    `  timeout: ${Math.min(30, input.intervalMs / 1000)}s`,
    ...(input.serviceStatus
      ? ['metrics:', '  m365.service.status:', '    enabled: true', '  m365.feature.health:', '    enabled: true']
      : []),
    'tenants_from:',
    `  - tenants-${input.tenants}/*.yaml`,
  ];
  await mkdir(join(input.dir, `tenants-${input.tenants}`), { recursive: true });
  for (let first = 0; first < input.tenants; first += TENANTS_PER_FILE) {
    const tenants = ['tenants:'];
    for (let i = first; i < Math.min(input.tenants, first + TENANTS_PER_FILE); i++) {
      tenants.push(
        `  - { name: ${benchTenantName(i)}, tenant_id: ${benchTenantId(i)}, client_id: ${BENCH_CLIENT_ID}, ` +
          `client_secret: "\${env:${SECRET_VARIABLE}}", endpoints: ${endpoints} }`,
      );
    }
    const part = String(first / TENANTS_PER_FILE).padStart(3, '0');
    await writeFile(join(input.dir, `tenants-${input.tenants}`, `part-${part}.yaml`), `${tenants.join('\n')}\n`);
  }
  const file = join(input.dir, `agent-${input.tenants}-${input.serviceStatus ? 'status-on' : 'status-off'}.yaml`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}
