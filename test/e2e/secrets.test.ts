import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { spawnCli } from '../helpers/agent-process.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const SECRET = 'sim-contoso-secret';
const TENANT = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';

let simulator: Simulator;
let receiver: OtlpReceiver;
let dir: string;

before(async () => {
  simulator = await startSimulator({
    scenario: await loadScenario(new URL('../../config/scenarios/test-basic.yaml', import.meta.url)),
  });
  receiver = await startOtlpReceiver();
  dir = await mkdtemp(join(tmpdir(), 'm365-secrets-'));
});

after(async () => {
  await receiver.close();
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every file under `root`, with its mode and content. */
async function filesUnder(root: string): Promise<Array<{ path: string; mode: number; content: string }>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(
    files.map(async (path) => ({
      path,
      mode: (await stat(path)).mode & 0o777,
      content: await readFile(path, 'latin1'),
    })),
  );
}

test('a full agent run and a check --debug session never show the secret or a token, in output or in files', async () => {
  const stateDir = join(dir, 'state');
  const statefiles = join(dir, 'statefiles');
  const config = join(dir, 'agent.yaml');
  await writeFile(
    config,
    [
      `exporter: { endpoint: ${receiver.url}, interval: 1s, timeout: 1s }`,
      `state: { dir: ${stateDir} }`,
      'tenants:',
      `  - { name: contoso, tenant_id: ${TENANT}, client_id: ${CLIENT}, client_secret: '\${env:SECRET}',`,
      `      endpoints: { login: ${simulator.url}, graph: ${simulator.url} } }`,
    ].join('\n'),
    { mode: 0o600 },
  );
  simulator.openIssue('contoso', {
    id: 'TM1',
    service: 'microsoftteams',
    classification: 'incident',
    status: 'serviceInterruption',
  });
  const agent = spawnCli(['run', '--config', config, '--once', '--log-level', 'debug'], { SECRET });
  assert.equal(await agent.exited(), 0, agent.output());

  const check = spawnCli([
    'check',
    `--tenant=${TENANT}`,
    `--client-id=${CLIENT}`,
    `--client-secret=${SECRET}`,
    `--login-endpoint=${simulator.url}`,
    `--graph-endpoint=${simulator.url}`,
    `--statefile-dir=${statefiles}`,
    '--debug',
    '--verbose',
  ]);
  const checkCode = await check.exited();
  assert.equal(checkCode, 2, check.output());
  assert.match(
    check.output(),
    /Authorization: Bearer \[redacted\]|authorization: Bearer \[redacted\]|\[redacted\]/i,
    'the debug output shows the exchanges',
  );

  const tokens = simulator.issuedTokens();
  assert.ok(tokens.length >= 2, 'the agent and the check each obtained a token');
  const outputs = [
    { path: 'agent output', content: agent.output() },
    { path: 'check output', content: check.output() },
  ];
  const files = [...(await filesUnder(stateDir)), ...(await filesUnder(statefiles))];
  assert.ok(files.length >= 2, 'the agent wrote state and the check cached a token');
  for (const { path, content } of [...outputs, ...files]) {
    assert.ok(!content.includes(SECRET), `the secret appears in ${path}`);
    for (const token of tokens)
      assert.ok(!content.includes(token) || path.startsWith(statefiles), `a token appears in ${path}`);
  }
  for (const file of files)
    assert.equal(file.mode & 0o077, 0, `${file.path} is readable by others (${file.mode.toString(8)})`);
  assert.equal(receiver.logs().length > 0 || receiver.metrics().length > 0, true, 'telemetry was exported');
});
