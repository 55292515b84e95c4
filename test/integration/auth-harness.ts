import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPluginCommand } from '../../src/cli/check.ts';
import { parseScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt-signer.ts';
import { captureIo } from '../helpers/capture-io.ts';

export const TENANT = '11111111-1111-1111-1111-111111111111';
export const DOMAIN = 'contoso.onmicrosoft.com';
export const SECRET_APP = '22222222-2222-2222-2222-222222222222';
export const SECRET = 'sim-secret-Value~1234567890';
export const CERT_APP = '33333333-3333-3333-3333-333333333333';
export const FEDERATED_APP = '44444444-4444-4444-4444-444444444444';
export const BLOCKED_APP = '55555555-5555-5555-5555-555555555555';
export const NO_PERMISSION_APP = '66666666-6666-6666-6666-666666666666';
export const EXPIRED_APP = '77777777-7777-7777-7777-777777777777';
export const SUBJECT = 'system:serviceaccount:monitoring:m365-health';
export const PASSWORD = 'fixture-password';
export const CERTIFICATES = fileURLToPath(new URL('../fixtures/certificates/', import.meta.url));

/** The OIDC issuer of a Kubernetes cluster, standing in for AKS. */
export const CLUSTER: TestIssuer = createTestIssuer(
  'https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/',
);

/** One tenant whose apps use every kind of credential, and apps in each error state. */
export const AUTH_SCENARIO = `
tenants:
  - name: contoso
    tenant_id: ${TENANT}
    domain: ${DOMAIN}
    services: [Exchange, Planner]
    clients:
      - { client_id: ${SECRET_APP}, client_secret: '${SECRET}' }
      - { client_id: ${CERT_APP}, certificate: '${CERTIFICATES}client-cert.pem' }
      - client_id: ${FEDERATED_APP}
        federated: { issuer: '${CLUSTER.issuer}', subject: '${SUBJECT}', jwks: ${JSON.stringify(CLUSTER.jwks)} }
      - { client_id: ${BLOCKED_APP}, client_secret: blocked-secret, blocked: true }
      - { client_id: ${NO_PERMISSION_APP}, client_secret: no-permission-secret, permission: false }
      - { client_id: ${EXPIRED_APP}, client_secret: expired-secret, expired: true }
`;

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The simulator on {@link AUTH_SCENARIO}, a state directory, and the real `check` command against them. */
export interface AuthHarness {
  readonly sim: Simulator;
  readonly dir: string;
  /** Runs `check` with `--login-endpoint`/`--graph-endpoint` of the simulator and `--statefile-dir`, then `args`. */
  check(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<RunResult>;
  close(): Promise<void>;
}

export async function startAuthHarness(): Promise<AuthHarness> {
  const sim = await startSimulator({ scenario: parseScenario(AUTH_SCENARIO, 'auth.yaml') });
  const dir = await mkdtemp(join(tmpdir(), 'm365-auth-'));
  return {
    sim,
    dir,
    async check(args, env = {}) {
      const { io, stdout, stderr } = captureIo(dir, env);
      const argv = [`--login-endpoint=${sim.url}`, `--graph-endpoint=${sim.url}`, `--statefile-dir=${dir}`, ...args];
      const code = await runPluginCommand(argv, io, 'service-status', { sharedStatefileDirs: [] });
      return { code, stdout: stdout(), stderr: stderr() };
    },
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
