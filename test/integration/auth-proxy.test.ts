import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { runPluginCommand } from '../../src/cli/check.ts';
import { CLOUD_ENDPOINTS, CLOUD_NAMES, parseConfig, formatProblem } from '../../src/config/index.ts';
import { fetchServiceHealth } from '../../src/graph/graph-client.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { createHttpClient } from '../../src/net/http-fetch.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { startConnectRecorder, type ConnectRecorder } from '../helpers/connect-recorder.ts';
import { startForwardProxy, type ForwardProxyProcess } from '../helpers/forward-proxy-process.ts';
import { SECRET, SECRET_APP, TENANT, startAuthHarness, type AuthHarness } from './auth-harness.ts';
import { captureIo } from '../helpers/capture-io.ts';

const EXPECTED_HOSTS = {
  global: ['login.microsoftonline.com:443', 'graph.microsoft.com:443'],
  usgov: ['login.microsoftonline.us:443', 'graph.microsoft.us:443'],
  usgovdod: ['login.microsoftonline.us:443', 'dod-graph.microsoft.us:443'],
  china: ['login.chinacloudapi.cn:443', 'microsoftgraph.chinacloudapi.cn:443'],
} as const;

function io(env: Record<string, string> = {}) {
  const captured = captureIo('/', env);
  return { cli: captured.io, output: () => captured.stdout() + captured.stderr() };
}

describe("every cloud's hosts, seen through a proxy that records CONNECT targets", () => {
  let proxy: ConnectRecorder;
  before(async () => (proxy = await startConnectRecorder()));
  after(() => proxy.close());

  test('check --cloud --proxyurl reaches the login host, Graph its Graph host; proxy credentials never printed', async () => {
    const proxyUrl = proxy.url.replace('http://', 'http://monitor:Pr0xy-Passw0rd@');
    for (const cloud of CLOUD_NAMES) {
      const since = proxy.attempts.length;
      const run = io();
      const args = [
        `--tenant=${TENANT}`,
        `--client-id=${SECRET_APP}`,
        `--client-secret=${SECRET}`,
        `--cloud=${cloud}`,
        `--proxyurl=${proxyUrl}`,
        '--statefile-dir=',
        '--timeout=5',
      ];
      const code = await runPluginCommand(args, run.cli, 'service-status', { sharedStatefileDirs: [] });
      assert.equal(code, 3);
      const login = EXPECTED_HOSTS[cloud][0].replace(':443', '');
      assert.equal(
        run.output(),
        `UNKNOWN: the proxy refused the tunnel to ${login} (HTTP 403): check the proxy URL, its credentials and what it allows\n`,
      );
      assert.ok(!run.output().includes('Pr0xy-Passw0rd'), run.output());
      const http = createHttpClient({ env: {}, proxy: proxyUrl });
      const tokens = {
        getToken: async () => ({ value: 'not-sent', expiresAt: Infinity }),
        invalidate: () => undefined,
        expiresAt: undefined,
      };
      const graphHost = EXPECTED_HOSTS[cloud][1].replace(':443', '');
      await assert.rejects(
        fetchServiceHealth(
          {
            graphUrl: CLOUD_ENDPOINTS[cloud].graph,
            tokens,
            get: http.get,
            clock: Date.now,
            sleep: async () => undefined,
            maxRetries: 0,
          },
          { deadline: Date.now() + 5000, signal: AbortSignal.timeout(5000) },
        ),
        (error: Error) =>
          error.message ===
            `cannot reach Microsoft Graph: fetch failed: the proxy refused the tunnel to ${graphHost} (HTTP 403)` &&
          !error.message.includes('Pr0xy'),
      );
      await http.close();
      const targets = [...new Set(proxy.attempts.slice(since).map((a) => `${a.method} ${a.target}`))];
      assert.deepEqual(
        targets,
        EXPECTED_HOSTS[cloud].map((host) => `CONNECT ${host}`),
        cloud,
      );
      assert.ok(proxy.attempts.slice(since).every((a) => a.authorization?.startsWith('Basic ')));
    }
  });

  test('the agent: a proxy from the config, HTTPS_PROXY from the environment, NO_PROXY exemptions', async () => {
    const tenant = (name: string, rest: string) =>
      `  - { name: ${name}, tenant_id: ${TENANT}, client_id: ${SECRET_APP}, client_secret: s, ${rest} }\n`;
    const text =
      'tenants:\n' +
      tenant('gcc-high', `cloud: usgov, http: { proxy: '${proxy.url}' }`) +
      tenant('china', 'cloud: china') +
      tenant('local', "endpoints: { login: 'http://127.0.0.1:9', graph: 'http://127.0.0.1:9' }");
    const loaded = parseConfig(text, '/etc/m365-health/config.yaml', {}, () => '');
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n'));
    const since = proxy.attempts.length;
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' };
    const { agent } = await buildAgent(loaded.config, { telemetry, log: SILENT_LOG, env });
    await agent.pollAll();
    await telemetry.shutdown(1000);
    const targets = new Set(proxy.attempts.slice(since).map((a) => a.target));
    assert.deepEqual([...targets].sort(), ['login.chinacloudapi.cn:443', 'login.microsoftonline.us:443']);
  });
});

describe('a real proxy process on loopback carries both token and Graph traffic', () => {
  let harness: AuthHarness;
  let proxy: ForwardProxyProcess;
  before(async () => {
    harness = await startAuthHarness();
    proxy = await startForwardProxy();
  });
  after(async () => {
    await proxy.stop();
    await harness.close();
  });

  /** The proxy's log lines since `since`, once they include what is expected (they arrive on a pipe). */
  async function proxyLines(since: number, expected: number): Promise<string[]> {
    for (let waited = 0; proxy.lines.length - since < expected && waited < 10_000; waited += 20) await delay(20);
    return proxy.lines.slice(since).map((line) => line.replace(harness.sim.url, 'SIM'));
  }

  const connection = [
    `--tenant=${TENANT}`,
    `--client-id=${SECRET_APP}`,
    `--client-secret=${SECRET}`,
    '--statefile-dir=',
  ];
  const TOKEN = `POST SIM/${TENANT}/oauth2/v2.0/token 200`;
  const GRAPH = /^GET SIM\/v1\.0\/admin\/serviceAnnouncement\/healthOverviews\?.* 200$/;

  test('check --proxyurl', async () => {
    const since = proxy.lines.length;
    const result = await harness.check([...connection, `--proxyurl=${proxy.url}`]);
    assert.match(result.stdout, /^OK: /);
    const lines = await proxyLines(since, 2);
    assert.equal(lines[0], TOKEN);
    assert.match(lines[1], GRAPH);
  });

  test('check with HTTP_PROXY from the environment, and NO_PROXY', async () => {
    const since = proxy.lines.length;
    assert.match((await harness.check(connection, { HTTP_PROXY: proxy.url })).stdout, /^OK: /);
    assert.equal((await proxyLines(since, 2)).length, 2);
    const bypass = proxy.lines.length;
    assert.match((await harness.check(connection, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' })).stdout, /^OK: /);
    // The proxy's log reaches this process through a pipe, in order: once a later check's lines have arrived, any
    // line of the bypassed check would have too.
    assert.match((await harness.check(connection, { HTTP_PROXY: proxy.url })).stdout, /^OK: /);
    assert.equal((await proxyLines(bypass, 2)).length, 2);
    assert.equal(proxy.lines.length, bypass + 2, 'NO_PROXY: the bypassed check never reached the proxy');
  });

  test('the agent, with the proxy in its config', async () => {
    const text =
      `http:\n  proxy: ${proxy.url}\ntenants:\n  - { name: contoso, tenant_id: ${TENANT}, client_id: ${SECRET_APP}, client_secret: '${SECRET}', ` +
      `endpoints: { login: '${harness.sim.url}', graph: '${harness.sim.url}' } }\n`;
    const loaded = parseConfig(text, '/etc/m365-health/config.yaml', {}, () => '');
    assert.ok(loaded.ok);
    const since = proxy.lines.length;
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    const { agent } = await buildAgent(loaded.config, { telemetry, log: SILENT_LOG, env: {} });
    await agent.pollAll();
    await telemetry.shutdown(1000);
    const lines = await proxyLines(since, 2);
    assert.equal(lines[0], TOKEN);
    assert.match(lines[1], GRAPH);
  });
});
