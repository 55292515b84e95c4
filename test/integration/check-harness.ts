import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPluginCommand } from '../../src/cli/check.ts';
import { parseScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { captureIo } from '../helpers/capture-io.ts';

/** The seed's client secret, slashes, backslash and padding included: the simulator's app accepts it. */
export const SEED_SECRET = '9/kRTASjPoy9FJfQZg6iznX\\AkzCGertBgNq5r3tPfECJfKxj6zA=';
export const TENANT = '11111111-1111-1111-1111-111111111111';
export const CLIENT = '22222222-2222-2222-2222-222222222222';
export const NO_PERMISSION_CLIENT = '66666666-6666-6666-6666-666666666666';
export const EXPIRED_CLIENT = '77777777-7777-7777-7777-777777777777';

/**
 * One tenant: Exchange Online healthy, Teams degraded by an incident (TM1) and an advisory (TM2), SharePoint
 * with a resolved issue only, Planner healthy.
 */
export const CHECK_SCENARIO = `
tenants:
  - name: contoso
    tenant_id: ${TENANT}
    clients:
      - { client_id: ${CLIENT}, client_secret: '${SEED_SECRET}' }
      - { client_id: ${NO_PERMISSION_CLIENT}, client_secret: sim-no-permission, permission: false }
      - { client_id: ${EXPIRED_CLIENT}, client_secret: sim-expired, expired: true }
    services: [Exchange, microsoftteams, SharePoint, Planner]
    issues:
      - { id: TM1, service: microsoftteams, classification: incident, status: serviceDegradation, feature_group: Audio and Video, title: Calls drop, start: '2025-09-30T07:15:00Z' }
      - { id: TM2, service: microsoftteams, classification: advisory, status: investigating, title: Slow chat, start: '2025-09-30T08:00:00Z' }
      - { id: SP1, service: SharePoint, classification: incident, status: serviceRestored, title: Sites slow, start: '2025-09-29T10:00:00Z', end: '2025-09-29T12:00:00Z', resolved: true }
`;

/** What the plugin prints for it: one first line, long lines indented by four spaces as Centreon does. */
export const SEED_OUTPUT = `OK: Service 'Exchange Online' Status is 'Normal service' - All features status are ok |
Checking service 'Exchange Online'
    Status is 'Normal service'
    Feature 'E-Mail and calendar access' Status is 'Normal service'
    Feature 'E-Mail timely delivery' Status is 'Normal service'
    Feature 'Management and Provisioning' Status is 'Normal service'
    Feature 'Sign-in' Status is 'Normal service'
    Feature 'Voice mail' Status is 'Normal service'
`;

/** The seed's command line after the script name, credentials and endpoints aside. */
export const SEED_OPTIONS = [
  '--plugin=cloud::microsoft::office365::management::plugin',
  '--mode=service-status',
  '--custommode=managementapi',
  '--verbose',
  '--filter-service-name=Exchange Online',
  '--filter-feature-name=',
  '--warning-status=',
  '--critical-status=%{status} !~ /Normal/i',
];

/** What one run printed and returned. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A simulator, a state directory and a way to run the real `check` / `list-services` code against them. */
export interface CheckHarness {
  readonly sim: Simulator;
  readonly stateDir: string;
  /** The connection options: tenant, client, secret, both endpoints, the state directory. */
  connection(overrides?: { client?: string; secret?: string; tenant?: string; stateDir?: string }): string[];
  /** Runs `check` (or `list-services`) with the connection options followed by `args`. */
  run(
    args: readonly string[],
    options?: { command?: 'check' | 'list-services'; connection?: boolean },
  ): Promise<RunResult>;
  /** Requests the simulator received on a path prefix. */
  requests(pathPrefix: string): Simulator['requests'];
  close(): Promise<void>;
}

/** Starts the simulator (port 0) on a scenario and returns the harness. */
export async function startCheckHarness(options: { scenario?: string; pageSize?: number } = {}): Promise<CheckHarness> {
  const sim = await startSimulator({
    scenario: parseScenario(options.scenario ?? CHECK_SCENARIO),
    pageSize: options.pageSize,
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'm365-check-'));
  const connection: CheckHarness['connection'] = (o = {}) => [
    `--tenant=${o.tenant ?? TENANT}`,
    `--client-id=${o.client ?? CLIENT}`,
    `--client-secret=${o.secret ?? SEED_SECRET}`,
    `--login-endpoint=${sim.url}`,
    `--graph-endpoint=${sim.url}`,
    `--statefile-dir=${o.stateDir ?? stateDir}`,
  ];
  return {
    sim,
    stateDir,
    connection,
    async run(args, runOptions = {}) {
      const { io, stdout, stderr } = captureIo(stateDir);
      const argv = runOptions.connection === false ? [...args] : [...connection(), ...args];
      const code = await runPluginCommand(
        argv,
        io,
        runOptions.command === 'list-services' ? 'list-services' : 'service-status',
        { sharedStatefileDirs: [] },
      );
      return { code, stdout: stdout(), stderr: stderr() };
    },
    requests: (prefix) => sim.requests.filter((request) => request.path.startsWith(prefix)),
    async close() {
      await sim.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
