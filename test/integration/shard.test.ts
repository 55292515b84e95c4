import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assignTenants, type Shard } from '../../src/agent/shard.ts';
import { parseScenario, startSimulator } from '../../src/simulator/index.ts';
import { spawnCli, type AgentProcess } from '../helpers/agent-process.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const SECRET = 'sim-shard-secret';
const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
const NAMES = Array.from({ length: 12 }, (_, i) => `customer-${String(i + 1).padStart(2, '0')}`);
const tenantId = (i: number) => `aaaaaaaa-0000-0000-0000-${String(i + 1).padStart(12, '0')}`;

function scenarioText(): string {
  const tenants = NAMES.map((name, i) =>
    [
      `  - name: ${name}`,
      `    tenant_id: ${tenantId(i)}`,
      `    clients: [{ client_id: ${CLIENT_ID}, client_secret: ${SECRET} }]`,
      '    services: [Exchange, microsoftteams]',
    ].join('\n'),
  );
  return `tenants:\n${tenants.join('\n')}\n`;
}

function configText(simulatorUrl: string): string {
  const tenants = NAMES.map((name, i) =>
    [
      `  - name: ${name}`,
      `    tenant_id: ${tenantId(i)}`,
      `    client_id: ${CLIENT_ID}`,
      '    client_secret: ${env:SIM_SECRET}',
      `    endpoints: { login: ${simulatorUrl}, graph: ${simulatorUrl} }`,
    ].join('\n'),
  );
  return [
    'exporter:',
    '  interval: 1s',
    '  timeout: 1s',
    'defaults:',
    '  interval: 5s',
    '  timeout: 4s',
    'tenants:',
    ...tenants,
  ].join('\n');
}

/** The tenant names a receiver has seen in `m365.poll.success` points. */
function tenantsSeen(receiver: OtlpReceiver): Set<string> {
  const points = receiver.metrics().filter((p) => p.name === 'm365.poll.success');
  return new Set(points.map((p) => textOf(p.attributes['m365.tenant.name'])));
}

/** Three replicas, each told its shard a different way: the option, M365_HEALTH_SHARD, a StatefulSet pod name. */
const REPLICAS: readonly { args: string[]; env: Record<string, string>; source: string }[] = [
  { args: ['--shard', '0/3'], env: {}, source: '--shard' },
  { args: [], env: { M365_HEALTH_SHARD: '1/3' }, source: 'M365_HEALTH_SHARD' },
  { args: [], env: { HOSTNAME: 'm365-health-2', M365_HEALTH_SHARD_COUNT: '3' }, source: 'HOSTNAME' },
];

test('three sharded agents over one tenant list poll every tenant exactly once', { timeout: 60_000 }, async () => {
  const simulator = await startSimulator({ scenario: parseScenario(scenarioText(), 'shard-scenario') });
  const receivers = await Promise.all(REPLICAS.map(() => startOtlpReceiver()));
  const dir = await mkdtemp(join(tmpdir(), 'm365-shard-'));
  const config = join(dir, 'agent.yaml');
  await writeFile(config, configText(simulator.url));
  const shares = REPLICAS.map((_, index) => {
    const shard: Shard = { index, count: REPLICAS.length };
    return new Set(
      assignTenants(
        NAMES.map((name) => ({ name })),
        shard,
      ).map((t) => t.name),
    );
  });
  assert.ok(
    shares.every((share) => share.size > 0),
    'the fixed names give every replica some tenants',
  );
  const agents: AgentProcess[] = REPLICAS.map((replica, i) =>
    spawnCli(['run', '--config', config, ...replica.args], {
      ...replica.env,
      SIM_SECRET: SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: receivers[i].url,
    }),
  );
  try {
    const allSeen = () => receivers.reduce((sum, r) => sum + tenantsSeen(r).size, 0) >= NAMES.length;
    await receivers[0].waitFor(allSeen, 30_000);

    receivers.forEach((receiver, i) => {
      assert.deepEqual(
        [...tenantsSeen(receiver)].sort(),
        [...shares[i]].sort(),
        `replica ${i} exported exactly its share`,
      );
    });
    const owners = new Map<string, number>();
    receivers.forEach((receiver, i) => {
      for (const name of tenantsSeen(receiver)) {
        assert.equal(owners.get(name), undefined, `${name} polled by replicas ${owners.get(name)} and ${i}`);
        owners.set(name, i);
      }
    });
    assert.deepEqual([...owners.keys()].sort(), NAMES);

    for (const name of NAMES) {
      const tokens = simulator.requests.filter(
        (r) => r.tenant === name && r.method === 'POST' && r.path.endsWith('/oauth2/v2.0/token'),
      );
      assert.equal(tokens.length, 1, `${name}: one token request, from one replica`);
      assert.ok(
        simulator.requests.some((r) => r.tenant === name && r.path.includes('/healthOverviews')),
        `${name}: Graph polled`,
      );
    }
    for (const [i, agent] of agents.entries()) {
      const share = `polling a share of the tenants shard=${i}/3 from=${REPLICAS[i].source} tenants=${shares[i].size} of=12`;
      assert.ok(agent.output().includes(share), agent.output());
    }
    const codes = await Promise.all(agents.map((agent) => agent.stop('SIGTERM')));
    assert.deepEqual(codes, [0, 0, 0], agents.map((a) => a.output()).join('\n'));
  } finally {
    await Promise.all(agents.map((agent) => agent.stop('SIGKILL')));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('an impossible shard is a usage error naming the option', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'm365-shard-'));
  const config = join(dir, 'agent.yaml');
  await writeFile(config, configText('http://127.0.0.1:9'));
  try {
    const agent = spawnCli(['run', '--config', config, '--shard', '3/3'], { SIM_SECRET: SECRET });
    assert.equal(await agent.exited(), 2, agent.output());
    assert.match(agent.output(), /m365-health run: --shard: replica 3 does not exist among 3/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
