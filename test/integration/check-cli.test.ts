import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { SEED_OPTIONS, SEED_OUTPUT, startCheckHarness, type CheckHarness } from './check-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/m365-health.js', import.meta.url));

function runBinary(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the m365-health binary, as a poller runs it', () => {
  let harness: CheckHarness;
  before(async () => {
    harness = await startCheckHarness();
  });
  after(async () => {
    await harness.close();
  });

  test("the seed's command line prints the seed's output and exits 0", async () => {
    const result = await runBinary(['check', ...SEED_OPTIONS, ...harness.connection()]);
    assert.equal(result.stdout, SEED_OUTPUT);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
  });

  test('CRITICAL exits 2, an unknown option exits 3 with Centreon wording', async () => {
    const critical = await runBinary(['check', ...harness.connection(), '--include-service-name=Teams']);
    assert.equal(critical.code, 2);
    assert.match(
      critical.stdout,
      /^CRITICAL: Service 'Microsoft Teams' status is 'serviceDegradation' \[issue: incident, TM1, /,
    );
    const unknown = await runBinary(['check', '--x']);
    assert.deepEqual(unknown, { code: 3, stdout: 'UNKNOWN: Unknown option: --x\n', stderr: '' });
  });

  test('list-services through the binary', async () => {
    const result = await runBinary(['list-services', ...harness.connection(), '--filter-name=Planner']);
    assert.deepEqual(result, {
      code: 0,
      stdout: 'List services:\n[service_id: Planner] [service_name: Planner]\n',
      stderr: '',
    });
  });
});
