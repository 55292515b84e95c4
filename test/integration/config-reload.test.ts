import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseScenario, startSimulator } from '../../src/simulator/index.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const TENANTS = [
  {
    name: 'contoso',
    tenantId: '11111111-1111-1111-1111-111111111111',
    clientId: '11111111-2222-2222-2222-222222222222',
  },
  {
    name: 'fabrikam',
    tenantId: '33333333-3333-3333-3333-333333333333',
    clientId: '33333333-4444-4444-4444-444444444444',
  },
  {
    name: 'northwind',
    tenantId: '55555555-5555-5555-5555-555555555555',
    clientId: '55555555-6666-6666-6666-666666666666',
  },
] as const;

const SCENARIO = [
  'tenants:',
  ...TENANTS.flatMap((t) => [
    `  - name: ${t.name}`,
    `    tenant_id: ${t.tenantId}`,
    `    clients: [{ client_id: ${t.clientId}, client_secret: sim-${t.name}-secret }]`,
    '    services: [Exchange, microsoftteams]',
  ]),
].join('\n');

/** A tenants file for one simulator tenant; its secret from the environment, or from a file. */
function tenantsFile(
  simulatorUrl: string,
  index: number,
  secret = `\${env:${TENANTS[index].name.toUpperCase()}_SECRET}`,
): string {
  const t = TENANTS[index];
  return [
    'tenants:',
    `  - name: ${t.name}`,
    `    tenant_id: ${t.tenantId}`,
    `    client_id: ${t.clientId}`,
    `    client_secret: ${secret}`,
    `    endpoints: { login: ${simulatorUrl}, graph: ${simulatorUrl} }`,
    '    interval: 5s',
    '    timeout: 4s',
    '',
  ].join('\n');
}

test(
  'tenants_from files are reloaded live: added, removed, rejected when invalid, and on SIGHUP',
  { timeout: 60_000 },
  async () => {
    const simulator = await startSimulator({ scenario: parseScenario(SCENARIO, 'reload scenario') });
    const receiver = await startOtlpReceiver();
    const dir = await mkdtemp(join(tmpdir(), 'm365-reload-'));
    const tenantsDir = join(dir, 'tenants.d');
    await mkdir(tenantsDir);
    await mkdir(join(dir, 'secrets'));
    const config = join(dir, 'agent.yaml');
    await writeFile(
      config,
      [
        'exporter:',
        `  endpoint: ${receiver.url}`,
        '  interval: 1s',
        '  timeout: 1s',
        "tenants_from: ['tenants.d/*.yaml']",
        '',
      ].join('\n'),
    );
    await writeFile(join(tenantsDir, 'contoso.yaml'), tenantsFile(simulator.url, 0));
    await writeFile(join(tenantsDir, 'fabrikam.yaml'), tenantsFile(simulator.url, 1));
    await writeFile(join(dir, 'secrets', 'northwind'), 'sim-northwind-secret\n');
    const env = Object.fromEntries(TENANTS.map((t) => [`${t.name.toUpperCase()}_SECRET`, `sim-${t.name}-secret`]));
    const agent = spawnCli(['run', '--config', config], env);

    /** The tenants in the most recent export of the service health gauge. */
    const exported = () =>
      [...new Set(receiver.latest('m365.service.health').map((p) => textOf(p.attributes['m365.tenant.name'])))].sort();
    const healthPolls = () => simulator.requests.filter((r) => r.path.includes('healthOverviews')).length;
    const pollOk = (tenant: string) => receiver.latestValue('m365.poll.success', { 'm365.tenant.name': tenant });
    try {
      await receiver.waitFor(() => exported().join() === 'contoso,fabrikam', 15_000);
      assert.match(agent.output(), /agent started/);

      await writeFile(join(tenantsDir, 'northwind.yaml'), tenantsFile(simulator.url, 2, '${file:secrets/northwind}'));
      await receiver.waitFor(() => exported().join() === 'contoso,fabrikam,northwind', 15_000);
      assert.match(agent.output(), /configuration reloaded tenants=3 added=northwind/);

      await unlink(join(tenantsDir, 'fabrikam.yaml'));
      await receiver.waitFor(() => exported().join() === 'contoso,northwind', 15_000);
      assert.match(agent.output(), /configuration reloaded tenants=2 removed=fabrikam/);

      await writeFile(
        join(tenantsDir, 'zz-broken.yaml'),
        tenantsFile(simulator.url, 1).replace(TENANTS[1].clientId, 'not-a-guid'),
      );
      // A file may be seen half-written first (and rejected for that); wait for the rejection of its full content.
      await receiver.waitFor(
        () => /zz-broken\.yaml:4:16: tenants\[0\]\.client_id: "not-a-guid" is not a GUID/.test(agent.output()),
        10_000,
      );
      assert.match(agent.output(), /configuration rejected, the running one is kept/);
      const pollsAfterRejection = healthPolls();
      await receiver.waitFor(() => healthPolls() >= pollsAfterRejection + 2, 12_000);
      assert.deepEqual(exported(), ['contoso', 'northwind'], 'the running tenants keep polling');

      const reloads = () => agent.output().split('reloading configuration').length - 1;
      const before = reloads();
      await unlink(join(tenantsDir, 'zz-broken.yaml'));
      await receiver.waitFor(() => reloads() === before + 1, 5_000);
      await writeFile(join(dir, 'secrets', 'northwind'), 'a-rotated-but-wrong-secret\n');
      agent.child.kill('SIGHUP');
      await receiver.waitFor(() => agent.output().includes('reason=SIGHUP'), 5_000);
      await receiver.waitFor(() => /configuration reloaded tenants=2 restarted=northwind/.test(agent.output()), 5_000);
      // A file referenced by ${file:} is not watched: the rotated secret was read by the SIGHUP's reload, the only one.
      assert.equal(reloads(), before + 2, 'a file referenced by ${file:} is not watched');
      await receiver.waitFor(() => pollOk('northwind') === 0, 10_000);
      assert.match(agent.output(), /poll failed tenant=northwind error=AUTH_INVALID_SECRET/, 'the new secret is used');
      assert.equal(pollOk('contoso'), 1);

      assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
      assert.ok(!agent.output().includes('sim-northwind-secret'), 'secrets never appear in the output');
    } finally {
      await agent.stop('SIGKILL');
      await receiver.close();
      await simulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
