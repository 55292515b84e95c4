import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENTRY_VARIABLE_NAMES } from '../../src/health/entry-variables.ts';
import { json, redirect, serveLogin, startHostileServer, type HostileServer } from '../helpers/hostile-server.ts';
import { startCheckHarness, type CheckHarness } from './check-harness.ts';

const HEALTH = '/v1.0/admin/serviceAnnouncement/healthOverviews';
const TENANT = 'bbbbbbbb-0000-4000-8000-000000000001';
const PLANNER_OK = "OK: Service 'Planner' status is 'serviceOperational'\n";
const GRAPH_VARIABLES = ENTRY_VARIABLE_NAMES.map((name) => `%{${name}}`).join(', ');

describe('check: a Graph that redirects elsewhere, a --timeout past any timer, a misspelt variable', () => {
  let harness: CheckHarness;
  let graph: HostileServer;
  let elsewhere: HostileServer;
  before(async () => {
    harness = await startCheckHarness();
    graph = await startHostileServer();
    elsewhere = await startHostileServer();
    serveLogin(graph, TENANT);
    const healthy = {
      value: [{ id: 'Exchange', service: 'Exchange Online', status: 'serviceOperational', issues: [] }],
    };
    elsewhere.route('/', json(healthy));
  });
  after(async () => {
    await harness.close();
    await graph.close();
    await elsewhere.close();
  });

  const hostileCheck = (args: readonly string[] = []) =>
    harness.run(
      [
        `--tenant=${TENANT}`,
        '--client-id=22222222-2222-2222-2222-222222222222',
        '--client-secret=s',
        `--login-endpoint=${graph.url}`,
        `--graph-endpoint=${graph.url}`,
        `--statefile-dir=${harness.stateDir}`,
        ...args,
      ],
      { connection: false },
    );

  test('a redirect to another host: UNKNOWN, and that host is never asked', async () => {
    graph.route(HEALTH, redirect(`${elsewhere.url}${HEALTH}?$expand=issues`));
    const result = await hostileCheck();
    assert.equal(
      result.stdout,
      `UNKNOWN: Graph endpoint API returned an error: HTTP 302 redirects to ${elsewhere.url}, not ${graph.url}: refused (the token is never sent elsewhere)\n`,
    );
    assert.equal(result.code, 3);
    assert.equal(elsewhere.hits('/').length, 0);
    assert.equal(graph.hits(HEALTH).length, 1);
  });

  test('a redirect on the same host is not followed either (307 too)', async () => {
    graph.route(HEALTH, redirect('/somewhere-else', 307));
    const result = await hostileCheck();
    assert.equal(
      result.stdout,
      'UNKNOWN: Graph endpoint API returned an error: HTTP 307 redirects to /somewhere-else: Graph does not redirect, not followed\n',
    );
    assert.equal(graph.hits('/somewhere-else').length, 0);
  });

  test('--timeout=2200000 (past what a timer holds): a usage UNKNOWN, before any request', async () => {
    const before = harness.sim.requests.length;
    const started = Date.now();
    const result = await harness.run(['--timeout=2200000']);
    assert.equal(
      result.stdout,
      "UNKNOWN: --timeout must be a positive number of seconds, at most 3600, got '2200000'\n",
    );
    assert.equal(result.code, 3);
    assert.equal(harness.sim.requests.length, before);
    assert.ok(Date.now() - started < 1000);
    const longest = await harness.run(['--timeout=3600', '--include-service-name=Planner']);
    assert.deepEqual([longest.code, longest.stdout], [0, PLANNER_OK]);
  });

  test("%{stauts}: a warning on stderr naming it and the variables there are; the status is the plugin's", async () => {
    const result = await harness.run(['--include-service-name=Planner', '--critical-status=%{stauts} =~ /x/']);
    assert.deepEqual([result.code, result.stdout], [0, PLANNER_OK]);
    assert.equal(
      result.stderr,
      `WARNING: --critical-status reads unknown variable %{stauts}, always empty; the variables are ${GRAPH_VARIABLES}\n`,
    );
  });

  test("several unknown variables in several options, and the legacy mode's own list", async () => {
    const result = await harness.run([
      '--include-service-name=Planner',
      '--warning-status=%{sevice} eq "x" or %{stat} eq ""',
      '--unknown-status=%{status} eq "x"',
    ]);
    assert.equal(
      result.stderr,
      `WARNING: --warning-status reads unknown variables %{sevice}, %{stat}, always empty; the variables are ${GRAPH_VARIABLES}\n`,
    );
    assert.equal(result.code, 1, 'the warning threshold matches as Centreon would make it (%{stat} is empty)');
    const legacy = await harness.run([
      '--custommode=managementapi',
      '--include-service-name=Planner',
      '--warning-status=%{issue_resolved} eq "1"',
    ]);
    assert.match(
      legacy.stderr,
      /^WARNING: --warning-status reads unknown variable %\{issue_resolved\}, always empty; the variables are %\{status\}, %\{service_name\}, .*%\{issue_status\}\n$/,
    );
    const known = await harness.run(['--include-service-name=Planner', '--critical-status=%{issue_resolved} eq "1"']);
    assert.equal(known.stderr, '');
  });
});
