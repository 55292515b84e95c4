import { parseScenario, startSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator/index.ts';

export const CONTOSO = '11111111-1111-1111-1111-111111111111';
export const CONTOSO_APP = '22222222-2222-2222-2222-222222222222';
export const CONTOSO_SECRET = 'sim-contoso-secret';
export const FABRIKAM = '33333333-3333-3333-3333-333333333333';
export const FABRIKAM_APP = '44444444-4444-4444-4444-444444444444';
export const FABRIKAM_SECRET = 'sim-fabrikam-secret';
export const T0 = Date.parse('2025-03-01T12:00:00Z');

/** A settable clock starting at {@link T0}. */
export function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let current = T0;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

/** Two tenants; contoso also has an app without permission and one with an expired secret. */
export const TWO_TENANTS = `
tenants:
  - name: contoso
    tenant_id: ${CONTOSO}
    domain: contoso.onmicrosoft.com
    clients:
      - { client_id: ${CONTOSO_APP}, client_secret: ${CONTOSO_SECRET} }
      - { client_id: 66666666-6666-6666-6666-666666666666, client_secret: no-perm, permission: false }
      - { client_id: 77777777-7777-7777-7777-777777777777, client_secret: old-secret, expired: true }
    token_lifetime: 60s
    issues:
      - { id: EX100001, service: Exchange, classification: incident, status: serviceDegradation, title: Mail delays, start: -2h }
      - { id: SP100002, service: SharePoint, classification: advisory, status: serviceRestored, title: Search stale, start: -30h, end: -26h }
  - name: fabrikam
    tenant_id: ${FABRIKAM}
    domain: fabrikam.onmicrosoft.com
    clients:
      - { client_id: ${FABRIKAM_APP}, client_secret: ${FABRIKAM_SECRET} }
    services: [Exchange, microsoftteams, Planner]
`;

/** Starts a simulator on a scenario given as YAML text. */
export function startFromYaml(yaml: string, options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  return startSimulator({ scenario: parseScenario(yaml, 'test.yaml'), ...options });
}

/** Gets a token with a plain form POST (client_secret_post). */
export async function fetchToken(
  sim: Simulator,
  tenant = CONTOSO,
  clientId = CONTOSO_APP,
  secret = CONTOSO_SECRET,
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    scope: `${sim.url}/.default`,
  });
  const res = await fetch(`${sim.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body });
  if (res.status !== 200) throw new Error(`token request failed with ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** GET below the simulator's Graph base with a bearer token. */
export function graphGet(
  sim: Simulator,
  path: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = path.startsWith('http') ? path : `${sim.url}/v1.0/admin/serviceAnnouncement/${path}`;
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return fetch(url, { headers: { ...auth, ...headers } });
}
