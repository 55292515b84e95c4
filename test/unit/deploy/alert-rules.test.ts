import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { list, readYaml, record, repoPath } from './deploy-files.ts';

const RULES_FILE = 'deploy/prometheus/rules/m365-health.yml';
const run = promisify(execFile);

/** Debian's `prometheus` package puts promtool on the PATH (`.ci/run` installs it). */
const promtool = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'promtool'))
  .find((path) => existsSync(path));
const skip = !promtool && !process.env.CI && 'promtool is not installed (apt-get install prometheus)';

/** Runs promtool; a failure carries its output, so the assertion says what promtool found. */
async function promtoolSays(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(promtool ?? 'promtool', args, { cwd: repoPath('.'), timeout: 30_000 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    assert.fail(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

describe(`${RULES_FILE} (promtool)`, { skip }, () => {
  test('is valid: promtool check rules', async () => {
    assert.match(await promtoolSays('check', 'rules', RULES_FILE), /SUCCESS: 6 rules found/);
  });

  test('the demo Prometheus loads it: promtool check config', async () => {
    assert.match(
      await promtoolSays('check', 'config', 'deploy/prometheus/prometheus.yml'),
      /SUCCESS: 1 rule files found/,
    );
  });

  test('pages when the agent, or one tenant of it, goes silent, and on critical services only', async () => {
    assert.match(await promtoolSays('test', 'rules', 'test/fixtures/prometheus/rules.test.yml'), /SUCCESS/);
  });
});

describe(RULES_FILE, () => {
  const rules = list(record(readYaml(RULES_FILE))['groups']).flatMap((group) =>
    list(record(group)['rules']).map(record),
  );

  test('has the rules docs/alerting.md describes, each with a severity', () => {
    assert.deepEqual(
      rules.map((rule) => rule['alert']),
      [
        'M365ServiceIncident',
        'M365HealthDataStale',
        'M365GraphThrottled',
        'M365EventsDropped',
        'M365HealthAgentSilent',
        'M365HealthTenantSilent',
      ],
    );
    for (const rule of rules) assert.match(String(record(rule['labels'])['severity']), /^(page|ticket)$/);
  });

  test('the silence rules watch the agent own series, not a service', () => {
    const silent = rules.filter((rule) => /Silent$/.test(String(rule['alert'])));
    for (const rule of silent) assert.match(String(rule['expr']), /m365_poll_success_ratio/);
    assert.match(String(silent[0]['expr']), /^absent_over_time\(/);
  });
});
