import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_FILE_BYTES } from '../../src/config/index.ts';
import { parseScenario, startSimulator } from '../../src/simulator/index.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const TENANTS = 10_000;
const APP = '0f0f0f0f-1111-4222-8333-444444444444';
const SECRET = 'fleet-secret';
/** Tenants alternate between two services, so a tenant answered with another's token would show the wrong one. */
const SERVICES = ['Exchange', 'microsoftteams'] as const;

const nameOf = (i: number) => `customer-${String(i).padStart(5, '0')}`;
const tenantIdOf = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** One app registration, consented in every tenant of the scenario. */
function scenarioText(): string {
  const tenants = Array.from(
    { length: TENANTS },
    (_, i) =>
      `  - { name: ${nameOf(i)}, tenant_id: ${tenantIdOf(i)}, services: [${SERVICES[i % 2]}], ` +
      `clients: [{ client_id: ${APP}, client_secret: ${SECRET} }] }`,
  );
  return `tenants:\n${tenants.join('\n')}\n`;
}

/** The agent's config: everything shared in `defaults`, the tenants as `{ name, tenant_id }` lines in one file. */
async function writeConfig(dir: string, simulatorUrl: string, receiverUrl: string): Promise<string> {
  await mkdir(join(dir, 'tenants.d'));
  const lines = Array.from({ length: TENANTS }, (_, i) => `  - { name: ${nameOf(i)}, tenant_id: ${tenantIdOf(i)} }`);
  await writeFile(join(dir, 'tenants.d', 'customers.yaml'), `tenants:\n${lines.join('\n')}\n`);
  const config = join(dir, 'agent.yaml');
  await writeFile(
    config,
    [
      `exporter: { endpoint: ${receiverUrl}, interval: 1m, timeout: 30s }`,
      'defaults:',
      `  client_id: ${APP}`,
      '  client_secret: ${env:FLEET_SECRET}',
      `  endpoints: { login: ${simulatorUrl}, graph: ${simulatorUrl} }`,
      '  interval: 5m',
      '  timeout: 4m',
      'tenants_from: [tenants.d/*.yaml]',
      '',
    ].join('\n'),
  );
  return config;
}

test(
  `${TENANTS} tenants of one shared app, each a { name, tenant_id } line, validate and are polled once each with ` +
    'a token of their own tenant',
  { timeout: 240_000 },
  async (t) => {
    const simulator = await startSimulator({ scenario: parseScenario(scenarioText(), 'fleet-scenario') });
    const receiver = await startOtlpReceiver();
    const dir = await mkdtemp(join(tmpdir(), 'm365-fleet-'));
    t.after(async () => {
      await Promise.all([simulator.close(), receiver.close()]);
      await rm(dir, { recursive: true, force: true });
    });
    const config = await writeConfig(dir, simulator.url, receiver.url);
    const size = (await stat(join(dir, 'tenants.d', 'customers.yaml'))).size;
    assert.ok(size < MAX_FILE_BYTES, `${size} bytes for ${TENANTS} tenants`);
    t.diagnostic(`${TENANTS} { name, tenant_id } lines: ${size} bytes`);

    const validate = spawnCli(['validate', '--config', config], { FLEET_SECRET: SECRET });
    assert.equal(await validate.exited(), 0, validate.output());
    assert.match(validate.output(), new RegExp(`valid, ${TENANTS} tenants`));

    const started = Date.now();
    const agent = spawnCli(['run', '--once', '--config', config], { FLEET_SECRET: SECRET });
    assert.equal(await agent.exited(), 0, agent.output());
    t.diagnostic(`run --once over ${TENANTS} tenants: ${Date.now() - started} ms`);

    // One token per tenant: tenants that share the app share no token.
    assert.equal(simulator.issuedTokens().length, TENANTS);
    // Each tenant reports its own tenant's service, which it can only see with a token of that tenant.
    const health = receiver.metrics().filter((point) => point.name === 'm365.service.health');
    const seen = new Map<string, Set<string>>();
    for (const point of health) {
      const tenant = textOf(point.attributes['m365.tenant.name']);
      seen.set(tenant, (seen.get(tenant) ?? new Set()).add(textOf(point.attributes['m365.service.id'])));
    }
    assert.equal(seen.size, TENANTS);
    for (const [tenant, services] of seen) {
      const index = Number(tenant.slice('customer-'.length));
      assert.deepEqual([...services], [SERVICES[index % 2]], tenant);
    }
  },
);
