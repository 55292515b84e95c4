import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { stateFileName } from '../../src/agent/state-store.ts';
import { buildDemoConfig } from '../../src/cli/demo/demo-config.ts';
import type { Log } from '../../src/log.ts';
import { loadDefaultScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';

let simulator: Simulator;
let stateDir: string;
before(async () => {
  simulator = await startSimulator({ scenario: await loadDefaultScenario() });
  stateDir = await mkdtemp(join(tmpdir(), 'm365-persist-'));
});
after(async () => {
  await simulator.close();
  await rm(stateDir, { recursive: true, force: true });
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

test('a failed save is tried again at the next poll, even a quiet one; a quiet poll otherwise writes nothing', async () => {
  const base = buildDemoConfig({
    simulatorUrl: simulator.url,
    scenario: simulator.scenario,
    intervalMs: 60_000,
    statusPort: 0,
    exporter: CLOSED_PORT_EXPORTER,
  });
  const errors: string[] = [];
  const log: Log = {
    debug() {},
    info() {},
    warn() {},
    error: (message, fields) => void errors.push(`${message} ${String(fields?.['tenant'])}`),
  };
  const telemetry = createTelemetrySdk({
    exporter: undefined,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
  });
  const { agent } = await buildAgent({ ...base, stateDir }, { telemetry, log });
  const contoso = join(stateDir, stateFileName('contoso'));
  const fabrikam = join(stateDir, stateFileName('fabrikam'));
  // A directory where contoso's state file goes: the save's rename fails.
  await mkdir(contoso, { recursive: true });
  await agent.pollAll();
  await waitFor(() => errors.length > 0 && exists(fabrikam));
  assert.deepEqual(errors, ['cannot save state contoso']);

  await rm(contoso, { recursive: true });
  await agent.pollAll();
  await waitFor(() => exists(contoso));
  const saved = JSON.parse(await readFile(contoso, 'utf8')) as { services: Record<string, unknown> };
  assert.ok(Object.keys(saved.services).length > 0, 'the quiet poll saved what the failed save had not');

  await rm(fabrikam);
  await agent.pollAll();
  assert.equal(await exists(fabrikam), false, 'nothing changed: nothing written (a poll ends once its state is saved)');
  assert.deepEqual(errors, ['cannot save state contoso']);
  await telemetry.shutdown(1000);
});

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 3000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
