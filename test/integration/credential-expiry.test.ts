import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LogRecord } from '@opentelemetry/api';
import { createAppCredentialReader, APP_READ_INTERVAL_MS } from '../../src/agent/app-credential-reader.ts';
import { RequestBudget } from '../../src/agent/request-budget.ts';
import { createFileStateStore } from '../../src/agent/state-store.ts';
import { createSharedCopies, createTenantPoller } from '../../src/agent/tenant-poller.ts';
import { tenantCredential } from '../../src/auth/client-auth.ts';
import { createEntraTokenProvider } from '../../src/auth/token-provider.ts';
import type { TenantConfig } from '../../src/config/types.ts';
import type { TenantMemory } from '../../src/health/memory.ts';
import { getThroughFetch } from '../../src/net/http-fetch.ts';
import { sleep } from '../../src/shared/sleep.ts';
import { parseScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createCaptureLog } from '../helpers/capture-log.ts';
import { scenarioTenant } from '../helpers/hand-polled-agent.ts';

const DAY = 86_400_000;
const APP = '0a0a0a0a-1111-4222-8333-444444444444';
const DENIED_APP = '0b0b0b0b-1111-4222-8333-444444444444';
const MSP = '55555555-5555-4555-8555-555555555555';
const CURRENT = 'aaaaaaaa-0000-4000-8000-000000000001';

/**
 * An MSP's multi-tenant app, registered in the MSP's tenant with the secret the agent uses (hint `msp`, ending in 5
 * days) and one rotated out long ago (hint `old`), consented in a customer's tenant; and another app that lacks
 * Application.Read.All.
 */
const SCENARIO = `
tenants:
  - name: msp
    tenant_id: ${MSP}
    services: [Exchange]
    clients: [{ client_id: ${APP}, client_secret: msp-app-secret }]
    applications:
      - id: 99999999-0000-4000-8000-000000000001
        app_id: ${APP}
        name: MSP monitoring
        password_credentials:
          - { key_id: ${CURRENT}, end: 5d, hint: msp, name: agent }
          - { key_id: aaaaaaaa-0000-4000-8000-000000000002, end: -300d, hint: old, name: rotated out }
  - name: customer
    tenant_id: 66666666-6666-4666-8666-666666666666
    services: [Exchange]
    clients: [{ client_id: ${APP}, client_secret: msp-app-secret }]
  - name: denied
    tenant_id: 77777777-7777-4777-8777-777777777777
    services: [Exchange]
    clients: [{ client_id: ${DENIED_APP}, client_secret: denied-secret, application_permission: false }]
`;

describe('credential expiry read from the app registration in its home tenant', () => {
  let simulator: Simulator;
  let stateDir: string;
  const base = Date.now();
  let offset = 0;
  const clock = () => base + offset;
  before(async () => {
    simulator = await startSimulator({ scenario: parseScenario(SCENARIO), clock });
    stateDir = await mkdtemp(join(tmpdir(), 'm365-credential-expiry-'));
  });
  after(async () => {
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  function tenantOf(index: number, homeTenant: string | undefined): TenantConfig {
    return scenarioTenant(simulator, index, {
      credentialExpiry: { readApp: true, homeTenant, warnBeforeDays: [30, 7] },
    });
  }

  const tokensFor = (tenant: TenantConfig) =>
    createEntraTokenProvider({
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      credential: tenantCredential(tenant),
      endpoints: tenant.endpoints,
      fetch,
      clock,
      timeoutMs: tenant.timeoutMs,
    });

  /** One life of the agent for `tenant`: its poller and its app's reader, its memory in the state directory. */
  async function start(tenant: TenantConfig, log = createCaptureLog()) {
    const store = createFileStateStore(stateDir, log, clock);
    const events: LogRecord[] = [];
    const home = { ...tenant, tenantId: tenant.credentialExpiry?.homeTenant ?? tenant.tenantId };
    const get = getThroughFetch(fetch);
    const reader = createAppCredentialReader({
      home,
      tokens: tokensFor(home),
      budget: new RequestBudget(),
      get,
      clock,
      sleep,
      log,
    });
    const poller = createTenantPoller({
      tenant,
      tokens: tokensFor(tenant),
      get,
      clock,
      sleep,
      recorders: { recordPollError: () => {}, recordGraphResponse: () => {} },
      log,
      shared: createSharedCopies(),
      memory: (await store.load(tenant.name))?.memory,
      commit: async (memory: TenantMemory, records) => {
        events.push(...records);
        await store.save(tenant.name, memory, []);
      },
      appCredentials: reader,
    });
    const warnings = () =>
      events
        .filter((r) => r.eventName === 'm365.credential.expiring')
        .map(
          (r) =>
            `${String(r.attributes!['m365.credential.key_id'])} ${Number(r.attributes!['m365.credential.lead_time']) / 86_400}d`,
        );
    /** A poll, then the app's read it may have started, which the next poll sees. */
    const poll = async () => {
      const result = await poller.poll(new AbortController().signal);
      await reader.settled();
      return result;
    };
    return { poll, warnings, events, log };
  }

  test('a customer of a multi-tenant app: its secret read in the home tenant, warned once across restarts', async () => {
    const customer = tenantOf(1, MSP);
    let agent = await start(customer);
    const first = await agent.poll();
    assert.equal(first.ok, true);
    assert.equal(first.observation.credentialExpiresAt, undefined, 'not known before the read ends');
    assert.deepEqual(agent.warnings(), []);
    const second = await agent.poll();
    assert.deepEqual(agent.warnings(), [`${CURRENT} 7d`], 'only the secret whose hint starts the tenant secret');
    assert.equal(second.observation.credentialExpiresAt, Date.parse(new Date(base + 5 * DAY).toISOString()));
    assert.equal(second.observation.credentialKind, 'secret');
    const record = agent.events.find((r) => r.eventName === 'm365.credential.expiring')!;
    assert.equal(record.severityText, 'WARN');
    assert.equal(record.attributes!['m365.credential.display_name'], 'agent');
    assert.equal(record.attributes!['m365.credential.kind'], 'secret');
    assert.match(String(record.body), /^customer: secret 'agent' \(aaaaaaaa-[^)]+\) expires at .*, within 7 days/);
    const reads = () => simulator.requests.filter((r) => r.path.startsWith('/v1.0/applications(')).length;
    assert.equal(reads(), 1);
    await agent.poll();
    assert.equal(reads(), 1, 'read again only hours later, not per poll');

    agent = await start(customer);
    await agent.poll();
    await agent.poll();
    assert.deepEqual(agent.warnings(), [], 'a restart repeats nothing');

    offset = 5 * DAY + 60_000;
    await agent.poll();
    assert.deepEqual(agent.warnings(), [`${CURRENT} 0d`], 'the expiry is reported too, from the read already made');
    assert.equal(agent.events.at(-1)!.severityText, 'ERROR');
    assert.equal(reads(), 3, 'one more read, past the interval');
    offset += APP_READ_INTERVAL_MS;
    await agent.poll();
    assert.deepEqual(agent.warnings(), [`${CURRENT} 0d`]);
  });

  test('an app without Application.Read.All: one warning naming the permission, and the polls go on', async () => {
    const denied = tenantOf(2, undefined);
    const agent = await start(denied);
    for (let i = 0; i < 3; i++) assert.equal((await agent.poll()).ok, true);
    offset += APP_READ_INTERVAL_MS;
    assert.equal((await agent.poll()).ok, true);
    const failures = agent.log.lines.filter((l) => l.message.startsWith('app registration read failed'));
    assert.equal(failures.length, 1, 'reported once, though read again hours later');
    assert.equal(failures[0].fields['error'], 'GRAPH_FORBIDDEN');
    assert.match(String(failures[0].fields['reason']), /Application\.Read\.All/);
    assert.deepEqual(agent.warnings(), []);
  });

  test('read in a tenant where the app is only consented: a 404 that says to set home_tenant', async () => {
    const customer = { ...tenantOf(1, undefined), name: 'customer-without-home' };
    const agent = await start(customer);
    await agent.poll();
    const failure = agent.log.lines.find((l) => l.message.startsWith('app registration read failed'));
    assert.match(String(failure?.fields['reason']), /credential_expiry\.home_tenant/);
  });
});
