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
    assert.match(await promtoolSays('check', 'rules', RULES_FILE), /SUCCESS: 10 rules found/);
  });

  test('the demo Prometheus loads it: promtool check config', async () => {
    assert.match(
      await promtoolSays('check', 'config', 'deploy/prometheus/prometheus.yml'),
      /SUCCESS: 1 rule files found/,
    );
  });

  test('pages when the agent, or one tenant of it, goes silent, on critical services and expiring credentials only; sums the estate', async () => {
    assert.match(await promtoolSays('test', 'rules', 'test/fixtures/prometheus/rules.test.yml'), /SUCCESS/);
  });
});

describe(RULES_FILE, () => {
  const all = list(record(readYaml(RULES_FILE))['groups']).flatMap((group) => list(record(group)['rules']).map(record));
  const rules = all.filter((rule) => 'alert' in rule);

  test('has the rules docs/alerting.md describes, each with a severity', () => {
    assert.deepEqual(
      rules.map((rule) => rule['alert']),
      [
        'M365ServiceIncident',
        'M365HealthDataStale',
        'M365GraphThrottled',
        'M365EventsDropped',
        'M365CredentialExpiring',
        'M365CredentialExpiringSoon',
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

  test('the credential rules ticket at 30 days and page at 7, from the credential gauge of each tenant', () => {
    const credential = rules.filter((rule) => /^M365Credential/.test(String(rule['alert'])));
    assert.deepEqual(
      credential.map((rule) => [record(rule['labels'])['severity'], rule['expr']]),
      [
        ['ticket', 'min by (m365_tenant_name, m365_credential_kind) (m365_credential_expiry_seconds) < 30 * 86400'],
        ['page', 'min by (m365_tenant_name, m365_credential_kind) (m365_credential_expiry_seconds) < 7 * 86400'],
      ],
    );
  });

  test('the fleet gauges are recorded for dashboards, summed over replicas, and no alert reads them', () => {
    assert.deepEqual(
      all.filter((rule) => 'record' in rule).map((rule) => [rule['record'], rule['expr']]),
      [
        [
          'm365:fleet_service_tenants:sum',
          'sum by (m365_service_name, m365_service_health_state) (m365_fleet_service_tenants)',
        ],
        ['m365:fleet_issue_tenants:sum', 'sum by (m365_issue_classification) (m365_fleet_issue_tenants)'],
      ],
    );
    for (const rule of rules) assert.doesNotMatch(String(rule['expr']), /fleet/, String(rule['alert']));
  });
});
