import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { CustomerDiscovery } from '../../src/agent/customer-discovery.ts';
import { configReloadSource } from '../../src/cli/run.ts';
import { validateCommand } from '../../src/cli/validate.ts';
import { SchemaValidators } from '../../src/config/index.ts';
import { M365Error } from '../../src/errors.ts';
import { parseScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk, type TelemetrySdk } from '../../src/telemetry/sdk.ts';
import { createCaptureLog } from '../helpers/capture-log.ts';
import { captureIo } from '../helpers/capture-io.ts';

const APP = '0f0f0f0f-1111-4222-8333-444444444444';
const SECRET = 'partner-app-secret';
const id = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;
const consented = `clients: [{ client_id: ${APP}, client_secret: ${SECRET} }]`;

/**
 * A partner tenant with three customers: two consented to the partner's app, one where the app has no service
 * principal (its tenant knows another app only), and a fourth tenant that is not a customer yet. A second partner
 * whose app lacks DelegatedAdminRelationship.Read.All.
 */
const SCENARIO = `
tenants:
  - name: msp
    tenant_id: ${id(1)}
    ${consented}
    customers:
      - { tenant_id: ${id(2)}, name: 'Contoso Ltd.' }
      - { tenant_id: ${id(3)}, name: 'Fabrikam, Inc.' }
      - { tenant_id: ${id(4)}, name: 'Northwind Traders' }
  - { name: contoso, tenant_id: '${id(2)}', services: [Exchange], ${consented} }
  - { name: fabrikam, tenant_id: '${id(3)}', services: [Exchange], ${consented} }
  - name: northwind
    tenant_id: ${id(4)}
    clients: [{ client_id: 99999999-1111-4222-8333-444444444444, client_secret: other }]
  - { name: tailspin, tenant_id: '${id(5)}', services: [Exchange], ${consented} }
  - name: msp-without-permission
    tenant_id: ${id(6)}
    clients: [{ client_id: ${APP}, client_secret: ${SECRET}, partner_permission: false }]
`;

let simulator: Simulator;
let telemetry: TelemetrySdk;
let dir: string;
before(async () => {
  // Pages of two customers: the list is read in pages, and a page can fail midway.
  simulator = await startSimulator({ scenario: parseScenario(SCENARIO, 'partner'), pageSize: 2 });
  telemetry = createTelemetrySdk({
    exporter: undefined,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
  });
  dir = await mkdtemp(join(tmpdir(), 'm365-gdap-'));
});
after(async () => {
  await telemetry.shutdown(1_000);
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(
  name: string,
  partner: string,
  secret = '${env:APP_SECRET}',
  url = simulator.url,
): Promise<string> {
  const file = join(dir, name);
  const text = [
    'defaults:',
    `  client_id: ${APP}`,
    `  client_secret: ${secret}`,
    `  endpoints: { login: ${url}, graph: ${url} }`,
    'tenants_from:',
    `  - delegated_admin_customers: { tenant_id: ${partner} }`,
    '',
  ].join('\n');
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

/** What `run` wires: a reload source that loads the customers discovery listed, and the agent built from it. */
async function startFleet(file: string, fetch?: typeof globalThis.fetch) {
  const log = createCaptureLog();
  const discovery = new CustomerDiscovery({ log });
  const env = { APP_SECRET: SECRET };
  const source = configReloadSource(file, env, undefined, log, new SchemaValidators(), undefined, undefined, discovery);
  const loaded = await source.load();
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems));
  const built = await buildAgent(loaded.config, { telemetry, log, ...(fetch ? { fetch } : {}) });
  /** Lists the customers now, and applies the tenants of the configuration loaded with them (a reload). */
  const refresh = async () => {
    const changed = await discovery.refresh({ list: built.listCustomers });
    const reloaded = await source.load();
    assert.ok(reloaded.ok);
    return { changed, summary: await built.applyTenants(reloaded.config.tenants), config: reloaded.config };
  };
  return { log, loaded: loaded.config, built, refresh };
}

test('a partner with three customers, one without consent: two are polled, the third reports its consent URL', async () => {
  const fleet = await startFleet(await writeConfig('agent.yaml', id(1)));
  assert.deepEqual(fleet.loaded.tenants, [], 'no customer before the first list');

  const first = await fleet.refresh();
  assert.equal(first.changed, true);
  assert.deepEqual(first.summary.added, ['Contoso-Ltd', 'Fabrikam-Inc', 'Northwind-Traders']);
  await fleet.built.agent.pollAll();
  const outcomes = new Map(fleet.built.agent.observations().map((o) => [o.tenant.name, o.outcome]));
  assert.equal(outcomes.get('Contoso-Ltd')?.ok, true);
  assert.equal(outcomes.get('Fabrikam-Inc')?.ok, true);
  const northwind = outcomes.get('Northwind-Traders');
  assert.ok(northwind && !northwind.ok);
  assert.equal(northwind.error.code, 'AUTH_APP_NOT_FOUND');
  assert.match(northwind.error.message, /no service principal in this tenant.*AADSTS7000229/);
  assert.ok(
    northwind.error.message.includes(`${simulator.url}/${id(4)}/adminconsent?client_id=${APP}`),
    northwind.error.message,
  );
  const failed = fleet.log.lines.find((line) => line.message === 'poll failed');
  assert.equal(failed?.fields['tenant'], 'Northwind-Traders');
  assert.match(String(failed?.fields['reason']), /adminconsent\?client_id=/);

  // A customer added to the partner starts at the next refresh; the three running ones are left alone.
  simulator.addCustomer('msp', { tenantId: id(5), displayName: 'Tailspin Toys' });
  const second = await fleet.refresh();
  assert.deepEqual(second.summary, { added: ['Tailspin-Toys'], removed: [], restarted: [], unchanged: 3 });

  // A list that reads the same changes nothing.
  const third = await fleet.refresh();
  assert.equal(third.changed, false);
  assert.deepEqual(third.summary, { added: [], removed: [], restarted: [], unchanged: 4 });
});

test('a list whose second page fails keeps the tenants already discovered, and says why', async () => {
  let failPages = false;
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (failPages && url.includes('delegatedAdminCustomers') && url.includes('skiptoken'))
      return Promise.resolve(
        new Response('{"value": [', { status: 200, headers: { 'content-type': 'application/json' } }),
      );
    return globalThis.fetch(input, init);
  };
  const fleet = await startFleet(await writeConfig('paged.yaml', id(1)), fetch);
  const first = await fleet.refresh();
  const discovered = first.summary.added.length;
  assert.ok(discovered > 2, 'more customers than one page holds');
  failPages = true;
  const broken = await fleet.refresh();
  assert.equal(broken.changed, false);
  assert.deepEqual(broken.summary, { added: [], removed: [], restarted: [], unchanged: discovered });
  const error = fleet.log.lines.find((line) => line.level === 'error');
  assert.equal(error?.message, 'cannot list the delegated admin customers; the tenants discovered before are kept');
  assert.equal(error?.fields['source'], 'tenants_from[0]');
  assert.equal(error?.fields['error'], 'GRAPH_BAD_RESPONSE');
});

test('a partner app without DelegatedAdminRelationship.Read.All, or whose sign-in fails, is told so', async () => {
  const forbidden = await startFleet(await writeConfig('forbidden.yaml', id(6)));
  const partner = forbidden.loaded.customerSources![0].partner;
  await assert.rejects(
    forbidden.built.listCustomers(partner, new AbortController().signal),
    (error: M365Error) =>
      error.code === 'GRAPH_FORBIDDEN' && /DelegatedAdminRelationship\.Read\.All/.test(error.message),
  );
  const summary = (await forbidden.refresh()).summary;
  assert.deepEqual(summary.added, []);
  assert.equal(forbidden.log.lines.find((line) => line.level === 'error')?.fields['error'], 'GRAPH_FORBIDDEN');

  const wrongSecret = await startFleet(await writeConfig('wrong-secret.yaml', id(1), 'not-the-secret'));
  await wrongSecret.refresh();
  assert.equal(wrongSecret.log.lines.find((line) => line.level === 'error')?.fields['error'], 'AUTH_INVALID_SECRET');
});

test('validate explains the source; a source alone is a valid config, and its partner is not polled', async () => {
  const file = await writeConfig('validate.yaml', id(1));
  const fleet = await startFleet(file);
  assert.equal(fleet.loaded.customerSources?.[0].refreshMs, 3_600_000);
  assert.deepEqual(fleet.loaded.tenants, []);
  const captured = captureIo(dir, { APP_SECRET: SECRET });
  assert.equal(await validateCommand(['--config', file], captured.io), 0);
  assert.equal(
    captured.stdout(),
    `${file}: valid, 0 tenants and the customers of the partner tenants below, listed when the agent runs\n` +
      `tenants_from[0]: the delegated admin customers of partner tenant ${id(1)}, listed from ${simulator.url} ` +
      `with app ${APP} (needs DelegatedAdminRelationship.Read.All) every 1h; each customer is polled with that app ` +
      'in its own tenant\n',
  );
});

test(
  'one customer more among 10,000 listed starts one tenant and leaves the 10,000 pollers alone',
  { timeout: 120_000 },
  async (t) => {
    const count = 10_000;
    const customerId = (i: number) => `bbbbbbbb-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const customers = Array.from(
      { length: count },
      (_, i) => `      - { tenant_id: ${customerId(i)}, name: 'Customer ${i}' }`,
    );
    const scenario = `tenants:\n  - name: big-msp\n    tenant_id: ${id(7)}\n    ${consented}\n    customers:\n${customers.join('\n')}\n`;
    const big = await startSimulator({ scenario: parseScenario(scenario, 'big-partner') });
    t.after(() => big.close());
    const file = await writeConfig('big.yaml', id(7), undefined, big.url);
    const fleet = await startFleet(file);
    const first = await fleet.refresh();
    assert.equal(first.summary.added.length, count);
    big.addCustomer('big-msp', { tenantId: customerId(count), displayName: 'Customer new' });
    const started = performance.now();
    const second = await fleet.refresh();
    t.diagnostic(`list of ${count + 1}, load and apply: ${Math.round(performance.now() - started)} ms`);
    assert.equal(second.changed, true, JSON.stringify(fleet.log.lines.slice(-3)));
    assert.deepEqual(second.summary, { added: ['Customer-new'], removed: [], restarted: [], unchanged: count });
  },
);
