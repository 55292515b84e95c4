import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Agent } from '../../src/agent/agent.ts';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { runPluginCommand } from '../../src/cli/check.ts';
import { buildDemoConfig } from '../../src/cli/demo/demo-config.ts';
import type { TenantConfig } from '../../src/config/types.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { loadDefaultScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { hugeBody, json, serveLogin, startHostileServer, type HostileServer } from '../helpers/hostile-server.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';
import { captureIo } from '../helpers/capture-io.ts';

const HEALTH = '/v1.0/admin/serviceAnnouncement/healthOverviews';
const GIB = 1024 ** 3;
const HUGE_DISCOVERY = 'aaaaaaaa-0000-4000-8000-000000000001';
const HUGE_TOKEN_ANSWER = 'aaaaaaaa-0000-4000-8000-000000000002';
const LONG_TOKEN = 'aaaaaaaa-0000-4000-8000-000000000003';
const DEV_ZERO = 'aaaaaaaa-0000-4000-8000-000000000004';
const BIG_FILE = 'aaaaaaaa-0000-4000-8000-000000000005';
const CLIENT = '22222222-2222-2222-2222-222222222222';

/**
 * A login endpoint whose discovery document (never asked for) or token answer is 3 GB, or whose token is 100 KB, in
 * one hostile server.
 */
function serveHostileLogins(server: HostileServer): void {
  const discovery = serveLogin(server, HUGE_DISCOVERY).discovery;
  server.route(discovery, hugeBody({ bytes: 3 * GIB, prefix: '{"issuer":"' }));
  const token = serveLogin(server, HUGE_TOKEN_ANSWER).token;
  server.route(token, hugeBody({ bytes: 3 * GIB, prefix: '{"token_type":"Bearer","access_token":"' }));
  const long = serveLogin(server, LONG_TOKEN).token;
  server.route(long, json({ token_type: 'Bearer', expires_in: 3599, access_token: 'x'.repeat(100 * 1024) }));
  serveLogin(server, DEV_ZERO);
  serveLogin(server, BIG_FILE);
  server.route(HEALTH, json({ value: [] }));
}

describe("the login endpoint and the federated token file: bounded reads, one tenant's error", () => {
  let hostile: HostileServer;
  let simulator: Simulator;
  let agent: Agent;
  let dir: string;
  let rssGrowth: number;
  let elapsed: number;
  before(async () => {
    hostile = await startHostileServer();
    serveHostileLogins(hostile);
    simulator = await startSimulator({ scenario: await loadDefaultScenario() });
    dir = await mkdtemp(join(tmpdir(), 'm365-login-bounds-'));
    const bigFile = join(dir, 'token');
    await writeFile(bigFile, `eyJhbGciOiJub25lIn0.${'e'.repeat(1024 * 1024)}.`);
    const base = buildDemoConfig({
      simulatorUrl: simulator.url,
      scenario: simulator.scenario,
      intervalMs: 60_000,
      statusPort: 0,
      exporter: CLOSED_PORT_EXPORTER,
    });
    const fabrikam = base.tenants.find((tenant) => tenant.name === 'fabrikam')!;
    const hostileTenant = (name: string, tenantId: string, extra: Partial<TenantConfig> = {}): TenantConfig => ({
      ...fabrikam,
      name,
      tenantId,
      clientId: CLIENT,
      endpoints: { login: hostile.url, graph: hostile.url },
      timeoutMs: 10_000,
      ...extra,
    });
    const federated = (path: string) => ({ clientSecret: undefined, federatedTokenFile: path });
    const config = {
      ...base,
      tenants: [
        hostileTenant('huge-discovery', HUGE_DISCOVERY),
        hostileTenant('huge-token-answer', HUGE_TOKEN_ANSWER),
        hostileTenant('long-token', LONG_TOKEN),
        hostileTenant('dev-zero', DEV_ZERO, federated('/dev/zero')),
        hostileTenant('big-file', BIG_FILE, federated(bigFile)),
        fabrikam,
      ],
    };
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    ({ agent } = await buildAgent(config, { telemetry, log: SILENT_LOG }));
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    await agent.pollAll();
    elapsed = Date.now() - started;
    rssGrowth = process.memoryUsage().rss - rss;
  });
  after(async () => {
    await simulator.close();
    await hostile.close();
    await rm(dir, { recursive: true, force: true });
  });

  const errorOf = (name: string) => {
    const { outcome } = agent.observations().find((o) => o.tenant.name === name)!;
    return outcome?.ok !== false ? 'ok' : `${outcome.error.code}: ${outcome.error.message}`;
  };

  test('a 3 GB discovery document is never asked for: the token endpoint is all the login endpoint serves', () => {
    assert.equal(errorOf('huge-discovery'), 'ok');
    assert.equal(hostile.hits(`/${HUGE_DISCOVERY}/v2.0/.well-known/openid-configuration`).length, 0);
    assert.equal(hostile.hits(`/${HUGE_DISCOVERY}/oauth2/v2.0/token`).length, 1);
  });

  test('a 3 GB token answer: the same, and Graph never called with it', () => {
    assert.equal(
      errorOf('huge-token-answer'),
      `AUTH_BAD_RESPONSE: the login endpoint ${hostile.url} answered more than 1048576 bytes (HTTP 200): refused, an Entra answer is a few KB`,
    );
  });

  test('the whole 3 GB was never read: a few MB sent at most, memory and time bounded', () => {
    for (const hit of [...hostile.hits(`/${HUGE_DISCOVERY}/`), ...hostile.hits(`/${HUGE_TOKEN_ANSWER}/oauth2`)]) {
      assert.ok(hit.bytesSent < 32 * 1024 * 1024, `${hit.path}: ${hit.bytesSent} bytes sent`);
    }
    assert.ok(rssGrowth < 256 * 1024 * 1024, `rss grew by ${rssGrowth} bytes`);
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  });

  test('a 100 KB access token is refused before it is ever sent to Graph', () => {
    assert.equal(
      errorOf('long-token'),
      `AUTH_BAD_RESPONSE: the login endpoint ${hostile.url} issued an access token of 102400 characters, more than 65536: refused, never sent`,
    );
    assert.equal(hostile.hits(HEALTH).length, 1, "Graph saw the poll of huge-discovery's tenant only");
  });

  test('federated_token_file: /dev/zero is refused unread; a 1 MB file past 64 KiB', () => {
    assert.equal(
      errorOf('dev-zero'),
      'CONFIG_INVALID: the federated token file /dev/zero is not a regular file: refused',
    );
    assert.match(
      errorOf('big-file'),
      /^CONFIG_INVALID: the federated token file .*token is larger than 65536 bytes: not a token, refused$/,
    );
    assert.equal(hostile.hits(`/${DEV_ZERO}/oauth2`).length, 0, 'no token request without a token');
  });

  test('the tenant on a sound login endpoint polls on', () => {
    assert.equal(errorOf('fabrikam'), 'ok');
  });
});

describe('check against a hostile login endpoint', () => {
  let hostile: HostileServer;
  let dir: string;
  before(async () => {
    hostile = await startHostileServer();
    serveHostileLogins(hostile);
    dir = await mkdtemp(join(tmpdir(), 'm365-login-check-'));
  });
  after(async () => {
    await hostile.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function check(tenant: string, extra: string[] = []) {
    const { io, stdout, stderr } = captureIo(dir);
    const argv = [
      `--tenant=${tenant}`,
      `--client-id=${CLIENT}`,
      '--client-secret=s',
      `--login-endpoint=${hostile.url}`,
      `--graph-endpoint=${hostile.url}`,
      `--statefile-dir=${dir}`,
      ...extra,
    ];
    const code = await runPluginCommand(argv, io, 'service-status', { sharedStatefileDirs: [] });
    return { code, stdout: stdout(), stderr: stderr() };
  }

  test('a 3 GB token answer: UNKNOWN naming the login endpoint, with and without --debug', async () => {
    const expected = `UNKNOWN: Login endpoint API answered badly: the login endpoint ${hostile.url} answered more than 1048576 bytes (HTTP 200): refused, an Entra answer is a few KB\n`;
    const plain = await check(HUGE_TOKEN_ANSWER);
    assert.deepEqual([plain.code, plain.stdout], [3, expected]);
    const debug = await check(HUGE_TOKEN_ANSWER, ['--debug']);
    assert.deepEqual([debug.code, debug.stdout], [3, expected]);
    assert.ok(debug.stderr.length < 64 * 1024, `debug transcript of ${debug.stderr.length} characters`);
    for (const hit of hostile.hits(`/${HUGE_TOKEN_ANSWER}/oauth2`))
      assert.ok(hit.bytesSent < 32 * 1024 * 1024, `${hit.bytesSent} bytes sent`);
  });

  test('a 100 KB access token: UNKNOWN, never sent to Graph', async () => {
    const result = await check(LONG_TOKEN);
    assert.equal(
      result.stdout,
      `UNKNOWN: Login endpoint API answered badly: the login endpoint ${hostile.url} issued an access token of 102400 characters, more than 65536: refused, never sent\n`,
    );
    assert.equal(hostile.hits(HEALTH).length, 0);
  });
});
