import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseScenario, startSimulator } from '../../src/simulator/index.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

const TENANTS = [
  {
    name: 'contoso',
    tenantId: '11111111-1111-1111-1111-111111111111',
    clientId: '11111111-2222-2222-2222-222222222222',
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
    `    clients: [{ client_id: ${t.clientId}, client_secret: sim-secret }]`,
    '    services: [Exchange]',
  ]),
].join('\n');

function tenantsFile(url: string, index: number): string {
  const t = TENANTS[index];
  return [
    'tenants:',
    `  - name: ${t.name}`,
    `    tenant_id: ${t.tenantId}`,
    `    client_id: ${t.clientId}`,
    '    client_secret: sim-secret',
    `    endpoints: { login: ${url}, graph: ${url} }`,
    '    interval: 5s',
    '    timeout: 4s',
    '',
  ].join('\n');
}

test(
  'a running agent ignores busy files, refuses FIFOs and glob bombs, keeps polling, and stops on SIGTERM',
  { timeout: 90_000 },
  async () => {
    const simulator = await startSimulator({ scenario: parseScenario(SCENARIO, 'hostile scenario') });
    const receiver = await startOtlpReceiver();
    const dir = await mkdtemp(join(tmpdir(), 'm365-hostile-'));
    await mkdir(join(dir, 'tenants.d'));
    const config = join(dir, 'agent.yaml');
    const configText = (patterns: string) =>
      `exporter: { endpoint: ${receiver.url}, interval: 1s, timeout: 1s }\ntenants_from: ${patterns}\n`;
    await writeFile(config, configText("['tenants.d/*.yaml']"), { mode: 0o600 });
    await writeFile(join(dir, 'tenants.d', 'contoso.yaml'), tenantsFile(simulator.url, 0), { mode: 0o600 });
    const agent = spawnCli(['run', '--config', config, '--log-level', 'debug']);
    const reloads = () => agent.output().split('reloading configuration').length - 1;
    const contosoPolls = () =>
      simulator.requests.filter((r) => r.path.includes('healthOverviews') && r.tenant === 'contoso').length;
    const keepsPolling = async () => {
      const before = contosoPolls();
      await receiver.waitFor(() => contosoPolls() >= before + 1, 12_000);
    };
    let writing = true;
    let busyWrites = 0;
    const busy = (async () => {
      while (writing) {
        await appendFile(join(dir, 'other-program.log'), `line ${busyWrites++}\n`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await receiver.waitFor(() => /agent started/.test(agent.output()) && contosoPolls() >= 1, 15_000);
      await receiver.waitFor(() => busyWrites >= 200, 10_000);

      // Touched, not changed: nothing is reloaded. The rename-over that follows is seen, and alone.
      await utimes(config, new Date(), new Date());
      const staged = join(dir, 'tenants.d', '.northwind.yaml.tmp');
      await writeFile(staged, tenantsFile(simulator.url, 1), { mode: 0o600 });
      await rename(staged, join(dir, 'tenants.d', 'northwind.yaml'));
      await receiver.waitFor(() => /configuration reloaded tenants=2 added=northwind/.test(agent.output()), 10_000);
      assert.equal(reloads(), 1, 'only the new tenants file made a reload');
      assert.ok(!agent.output().includes('other-program.log'), 'the busy file is never reported');

      execFileSync('mkfifo', [join(dir, 'tenants.d', 'zz-fifo.yaml')]);
      await receiver.waitFor(
        () =>
          agent
            .output()
            .includes('zz-fifo.yaml: cannot read the tenants file: a FIFO (named pipe), not a regular file'),
        10_000,
      );
      assert.match(agent.output(), /configuration rejected, the running one is kept/);
      await keepsPolling();
      await unlink(join(dir, 'tenants.d', 'zz-fifo.yaml'));

      const bomb = '{a,b}'.repeat(20);
      await writeFile(`${config}.tmp`, configText(`['tenants.d/*.yaml', '${bomb}']`), { mode: 0o600 });
      await rename(`${config}.tmp`, config);
      await receiver.waitFor(() => agent.output().includes('expands to more than 100 patterns (the limit'), 10_000);
      assert.match(agent.output(), /agent\.yaml:2:36: tenants_from\[1\]: "\{a,b\}/);
      await keepsPolling();

      writing = false;
      await busy;
      const started = performance.now();
      assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
      assert.ok(performance.now() - started < 12_000, 'SIGTERM stops the agent within the flush bound');
    } finally {
      writing = false;
      await busy;
      await agent.stop('SIGKILL');
      await receiver.close();
      await simulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
