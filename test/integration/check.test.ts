import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SEED_OPTIONS, SEED_OUTPUT, startCheckHarness, type CheckHarness } from './check-harness.ts';

/** The seed's example output, as the product page prints it (its line wrap, no indentation). */
const SEED_PAGE_OUTPUT = `OK: Service 'Exchange Online' Status is 'Normal service' - All features
status are ok |
Checking service 'Exchange Online'
Status is 'Normal service'
Feature 'E-Mail and calendar access' Status is 'Normal service'
Feature 'E-Mail timely delivery' Status is 'Normal service'
Feature 'Management and Provisioning' Status is 'Normal service'
Feature 'Sign-in' Status is 'Normal service'
Feature 'Voice mail' Status is 'Normal service'
`;

const TM1 =
  "Service 'Microsoft Teams' status is 'serviceDegradation' [issue: incident, TM1, 2025-09-30T07:15:00.000Z, Calls drop]";
const TM2 =
  "Service 'Microsoft Teams' status is 'serviceDegradation' [issue: advisory, TM2, 2025-09-30T08:00:00.000Z, Slow chat]";

describe('m365-health check against the simulator', () => {
  let harness: CheckHarness;
  before(async () => {
    harness = await startCheckHarness();
  });
  after(async () => {
    await harness.close();
  });

  test("the seed's command line prints the seed's output", async () => {
    const result = await harness.run(SEED_OPTIONS);
    assert.equal(result.stdout, SEED_OUTPUT);
    assert.equal(result.code, 0);
    const unwrapped = SEED_PAGE_OUTPUT.replace('All features\nstatus', 'All features status');
    assert.equal(result.stdout.replace(/^ {4}/gm, ''), unwrapped);
  });

  test('the seed line with the legacy default critical, and Teams in legacy language', async () => {
    const result = await harness.run(['--custommode=managementapi', '--filter-service-name=Teams']);
    assert.equal(
      result.stdout,
      "CRITICAL: Service 'Microsoft Teams' Status is 'Service degradation' - Feature 'Audio and Video' Status is 'Service degradation' |\n",
    );
    assert.equal(result.code, 2);
  });

  test('legacy --filter-feature-name keeps matching features only', async () => {
    const result = await harness.run([
      '--custommode=managementapi',
      '--filter-service-name=Exchange',
      '--filter-feature-name=^Sign',
    ]);
    assert.equal(
      result.stdout,
      "OK: Service 'Exchange Online' Status is 'Normal service' - Feature 'Sign-in' Status is 'Normal service' |\n",
    );
  });

  test('legacy: several services', async () => {
    const result = await harness.run(['--custommode=managementapi', '--exclude-service-name=Teams']);
    assert.equal(result.stdout, 'OK: All services status are ok |\n');
    assert.equal(result.code, 0);
  });

  test('default check: one entry per open issue, CRITICAL, the API order, --verbose lines', async () => {
    const result = await harness.run(['--verbose']);
    assert.equal(
      result.stdout,
      [
        `CRITICAL: ${TM1} - ${TM2}`,
        "Service 'Exchange Online' status is 'serviceOperational'",
        TM1,
        TM2,
        "Service 'SharePoint Online' status is 'serviceOperational'",
        "Service 'Planner' status is 'serviceOperational'",
        '',
      ].join('\n'),
    );
    assert.equal(result.code, 2);
  });

  test('a single entry shows itself; several OK entries say so; the resolved-only service stays', async () => {
    assert.deepEqual(await harness.run(['--include-service-name=^Exchange']), {
      code: 0,
      stdout: "OK: Service 'Exchange Online' status is 'serviceOperational'\n",
      stderr: '',
    });
    const result = await harness.run(['--exclude-service-name=Teams|Exchange|Planner']);
    assert.equal(result.stdout, "OK: Service 'SharePoint Online' status is 'serviceOperational'\n");
    assert.equal((await harness.run(['--exclude-service-name=Teams'])).stdout, 'OK: All services are ok\n');
  });

  test('warning and critical expressions with issue variables: CRITICAL group, then WARNING group', async () => {
    const result = await harness.run([
      '--critical-status',
      '%{status} !~ /serviceOperational/i and %{classification} eq "incident"',
      '--warning-status',
      '%{issue_status} =~ /investigating/ && %{feature_group} eq "-"',
    ]);
    assert.equal(result.stdout, `CRITICAL: ${TM1} WARNING: ${TM2}\n`);
    assert.equal(result.code, 2);
  });

  test('--unknown-status: UNKNOWN outranks WARNING', async () => {
    const result = await harness.run([
      '--critical-status=',
      '--warning-status=%{issue_id} eq "TM2"',
      '--unknown-status=%{service_id} eq "Planner"',
    ]);
    assert.equal(
      result.stdout,
      `WARNING: ${TM2} UNKNOWN: Service 'Planner' status is 'serviceOperational' [issue: -, -, -, -]\n`,
    );
    assert.equal(result.code, 3);
  });

  test('classification filters', async () => {
    assert.equal(
      (await harness.run(['--include-classification=incident', '--include-service-name=Teams'])).stdout,
      `CRITICAL: ${TM1}\n`,
    );
    assert.equal(
      (await harness.run(['--exclude-classification=incident', '--include-service-name=Teams'])).stdout,
      `CRITICAL: ${TM2}\n`,
    );
  });

  test('--exclude-resolved=0 reports resolved issues too', async () => {
    const result = await harness.run([
      '--exclude-resolved=0',
      '--include-service-name=SharePoint',
      '--critical-status=%{issue_resolved} == 1',
    ]);
    assert.equal(
      result.stdout,
      "CRITICAL: Service 'SharePoint Online' status is 'serviceOperational' [issue: incident, SP1, 2025-09-29T10:00:00.000Z, Sites slow]\n",
    );
  });

  test('nothing selected: UNKNOWN: No services found.', async () => {
    assert.deepEqual(await harness.run(['--include-service-name=Nothing']), {
      code: 3,
      stdout: 'UNKNOWN: No services found.\n',
      stderr: '',
    });
  });

  test('--perfdata appends counts per state', async () => {
    const result = await harness.run(['--perfdata']);
    assert.equal(
      result.stdout,
      `CRITICAL: ${TM1} - ${TM2} | 'ok'=3;;;0; 'warning'=0;;;0; 'critical'=2;;;0; 'unknown'=0;;;0;\n`,
    );
  });

  test('a syntax error is UNKNOWN naming the option and position, before any request', async () => {
    const before = harness.sim.requests.length;
    const result = await harness.run(['--critical-status=%{status} =~ /x/ &&']);
    assert.match(result.stdout, /^UNKNOWN: --critical-status: syntax error at position \d+: .+\n$/);
    assert.equal(result.code, 3);
    assert.equal(harness.sim.requests.length, before);
  });

  test('usage errors are UNKNOWN with Centreon wording; --help prints usage', async () => {
    assert.deepEqual(await harness.run(['--x']), { code: 3, stdout: 'UNKNOWN: Unknown option: --x\n', stderr: '' });
    assert.deepEqual(await harness.run(['--client-id=c'], { connection: false }), {
      code: 3,
      stdout: 'UNKNOWN: Need to specify --tenant option.\n',
      stderr: '',
    });
    const help = await harness.run(['--help'], { connection: false });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--critical-status=EXPR/);
  });

  test('--http-backend and the Centreon selectors are accepted as they are', async () => {
    const result = await harness.run([
      '--plugin=cloud::microsoft::office365::management::plugin',
      '--mode=service-status',
      '--custommode=graphapi',
      '--http-backend=curl',
      '--include-service-name=Planner',
    ]);
    assert.equal(result.stdout, "OK: Service 'Planner' status is 'serviceOperational'\n");
  });

  test('list-services: Centreon lines sorted by id, --filter-name, --json, and check --mode=list-services', async () => {
    const all = await harness.run([], { command: 'list-services' });
    assert.equal(
      all.stdout,
      [
        'List services:',
        '[service_id: Exchange] [service_name: Exchange Online]',
        '[service_id: Planner] [service_name: Planner]',
        '[service_id: SharePoint] [service_name: SharePoint Online]',
        '[service_id: microsoftteams] [service_name: Microsoft Teams]',
        '',
      ].join('\n'),
    );
    assert.equal(all.code, 0);
    const filtered = await harness.run(['--filter-name=Online'], { command: 'list-services' });
    assert.equal(
      filtered.stdout,
      'List services:\n[service_id: Exchange] [service_name: Exchange Online]\n[service_id: SharePoint] [service_name: SharePoint Online]\n',
    );
    const json = await harness.run(['--filter-name=Teams', '--json'], { command: 'list-services' });
    assert.deepEqual(JSON.parse(json.stdout), [
      { service_id: 'microsoftteams', service_name: 'Microsoft Teams', status: 'serviceDegradation' },
    ]);
    assert.equal(
      (await harness.run(['--mode=list-services', '--filter-name=^Plan'])).stdout,
      'List services:\n[service_id: Planner] [service_name: Planner]\n',
    );
  });
});

describe('paging', () => {
  test('follows @odata.nextLink to the last page', async () => {
    const harness = await startCheckHarness({ pageSize: 1 });
    try {
      const result = await harness.run(['--exclude-service-name=Teams', '--verbose']);
      assert.equal(result.stdout.split('\n').length, 5, result.stdout);
      assert.match(result.stdout, /^OK: All services are ok\n/);
      assert.match(result.stdout, /'Planner'/);
      assert.equal(harness.requests('/v1.0/').length, 4);
    } finally {
      await harness.close();
    }
  });
});
