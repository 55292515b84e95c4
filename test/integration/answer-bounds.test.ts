import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Agent } from '../../src/agent/agent.ts';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { buildDemoConfig } from '../../src/cli/demo/demo-config.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { loadDefaultScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk, type TelemetrySdk } from '../../src/telemetry/sdk.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { textOf } from '../helpers/text-of.ts';

const HEALTH = '/v1.0/admin/serviceAnnouncement/healthOverviews';
const CONTOSO = { 'm365.tenant.name': 'contoso' };
const GOOD = JSON.stringify({
  value: [
    { id: 'Exchange', service: 'Exchange Online', status: 'serviceOperational', issues: [] },
    { id: 'microsoftteams', service: 'Microsoft Teams', status: 'serviceOperational', issues: [] },
    { id: 'SharePoint', service: 'SharePoint Online', status: 'serviceOperational', issues: [] },
  ],
});

/**
 * Contoso's Microsoft: the simulator behind a small proxy that answers the health overviews with whatever the test
 * sets. Everything else (discovery, tokens) goes through to the simulator with this proxy's Host, so the tokens it
 * signs are for this proxy's URL, as Entra's are for the Graph they name.
 */
async function startHostileGraph(
  simulatorUrl: string,
): Promise<{ url: string; answer: (body: string) => void; close: () => Promise<void> }> {
  let body = GOOD;
  const target = new URL(simulatorUrl);
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith(HEALTH))
      return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    const forwarded = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answer: (next) => void (body = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One tenant's Graph answers past a bound: that tenant's poll fails with the bound's message, counted by error type,
 * its last good services stay exported and none of the answer's, and the other tenant polls on.
 */
describe('what one Graph answer can make: bounded, one tenant failing, the other polling on', () => {
  let simulator: Simulator;
  let graph: Awaited<ReturnType<typeof startHostileGraph>>;
  let receiver: OtlpReceiver;
  let telemetry: TelemetrySdk;
  let agent: Agent;
  before(async () => {
    simulator = await startSimulator({ scenario: await loadDefaultScenario() });
    graph = await startHostileGraph(simulator.url);
    receiver = await startOtlpReceiver();
    const exporter = {
      endpoint: receiver.url,
      protocol: 'http/protobuf' as const,
      headers: {},
      intervalMs: 600_000,
      timeoutMs: 5_000,
      compression: 'none' as const,
      temporality: 'cumulative' as const,
    };
    const base = buildDemoConfig({
      simulatorUrl: simulator.url,
      scenario: simulator.scenario,
      intervalMs: 600_000,
      statusPort: 0,
      exporter,
    });
    const tenants = base.tenants.map((tenant) =>
      tenant.name === 'contoso'
        ? { ...tenant, endpoints: { login: graph.url, graph: graph.url }, timeoutMs: 10_000 }
        : { ...tenant, timeoutMs: 10_000 },
    );
    telemetry = createTelemetrySdk({ exporter, serviceName: 'm365-health', serviceVersion: 'test', resource: {} });
    ({ agent } = await buildAgent({ ...base, tenants }, { telemetry, log: SILENT_LOG }));
    await agent.pollAll();
    assert.equal(outcome('contoso'), 'ok');
  });
  after(async () => {
    await telemetry.shutdown(5_000);
    await receiver.close();
    await graph.close();
    await simulator.close();
  });

  function outcome(name: string): string {
    const { outcome } = agent.observations().find((o) => o.tenant.name === name)!;
    return outcome?.ok !== false ? 'ok' : `${outcome.error.code}: ${outcome.error.message}`;
  }

  /** Polls every tenant with contoso's Graph answering `body`, exports, then polls again with the good answer. */
  async function pollWith(body: string) {
    graph.answer(body);
    receiver.reset();
    await agent.pollAll();
    await telemetry.forceFlush();
    const result = {
      contoso: outcome('contoso'),
      fabrikam: outcome('fabrikam'),
      services: receiver
        .latest('m365.service.health', CONTOSO)
        .map((p) => textOf(p.attributes['m365.service.id']))
        .sort(),
      fabrikamServices: receiver.latest('m365.service.health', { 'm365.tenant.name': 'fabrikam' }).length,
      metricBytes: receiver
        .requests()
        .filter((r) => r.path === '/v1/metrics')
        .reduce((sum, r) => sum + r.bytes, 0),
      errors: (type: string) => receiver.latestValue('m365.poll.errors', { ...CONTOSO, 'error.type': type }),
    };
    graph.answer(GOOD);
    await agent.pollAll();
    return { ...result, recovered: outcome('contoso') };
  }

  const GOOD_SERVICES = ['Exchange', 'SharePoint', 'microsoftteams'];

  test('a page of 50,000 services: refused before one is decoded, none exported, the last good three kept', async () => {
    const services = Array.from({ length: 50_000 }, (_, i) => ({
      id: `svc${i}`,
      service: `Service ${i}`,
      status: 'serviceOperational',
      issues: [],
    }));
    const result = await pollWith(JSON.stringify({ value: services }));
    assert.equal(
      result.contoso,
      'GRAPH_ANSWER_TOO_LARGE: 50,000 services in one answer (one page), past the bound of 500: the answer is refused',
    );
    assert.equal(result.errors('GRAPH_ANSWER_TOO_LARGE'), 1);
    assert.deepEqual(result.services, GOOD_SERVICES);
    assert.equal(result.fabrikam, 'ok');
    assert.ok(result.fabrikamServices > 0);
    // Two tenants' series: tens of KB, where the 50,000 services made hundreds of MB.
    assert.ok(result.metricBytes < 1_000_000, `${result.metricBytes} bytes of metrics exported`);
    assert.equal(result.recovered, 'ok');
  });

  test('a service name of 5 MB: refused, the name never exported', async () => {
    const body = JSON.stringify({
      value: [{ id: 'Exchange', service: 'x'.repeat(5_000_000), status: 'serviceOperational' }],
    });
    const result = await pollWith(body);
    assert.equal(
      result.contoso,
      'GRAPH_ANSWER_TOO_LARGE: the name of service "Exchange" is 5,000,000 characters long, past the bound of 256: the answer is refused',
    );
    assert.equal(result.errors('GRAPH_ANSWER_TOO_LARGE'), 2);
    assert.deepEqual(result.services, GOOD_SERVICES);
    assert.ok(result.metricBytes < 1_000_000, `${result.metricBytes} bytes of metrics exported`);
    assert.equal(result.fabrikam, 'ok');
    assert.equal(result.recovered, 'ok');
  });

  test('entries that are not services: counted, the first named, the poll failed', async () => {
    const body = JSON.stringify({
      value: [
        [{ id: 'Exchange' }],
        {},
        { id: 'SharePoint', service: 'SharePoint Online' },
        { id: 'microsoftteams', status: 'serviceOperational' },
      ],
    });
    const result = await pollWith(body);
    assert.equal(
      result.contoso,
      'GRAPH_BAD_RESPONSE: 3 entries of the answer are not a service, an issue or a post (first: value[0] is not an object): the answer is refused',
    );
    assert.equal(result.errors('GRAPH_BAD_RESPONSE'), 1);
    assert.deepEqual(result.services, GOOD_SERVICES);
    assert.equal(result.fabrikam, 'ok');
    assert.equal(result.recovered, 'ok');
  });

  test('a service listed twice: an error naming it, not its interruption hidden by the last entry', async () => {
    const body = JSON.stringify({
      value: [
        { id: 'Exchange', service: 'Exchange Online', status: 'serviceInterruption' },
        { id: 'Exchange', service: 'Exchange Online', status: 'serviceOperational' },
      ],
    });
    const result = await pollWith(body);
    assert.equal(
      result.contoso,
      'GRAPH_BAD_RESPONSE: service id "Exchange" appears twice in one answer: the answer is refused',
    );
    assert.equal(result.errors('GRAPH_BAD_RESPONSE'), 2);
    assert.deepEqual(result.services, GOOD_SERVICES);
    assert.equal(result.fabrikam, 'ok');
    assert.equal(result.recovered, 'ok');
  });
});
