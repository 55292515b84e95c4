import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { buildDemoConfig } from '../../src/cli/demo/demo-config.ts';
import { SILENT_LOG } from '../../src/log.ts';
import { startStatusServer, type StatusServer } from '../../src/server/http-server.ts';
import { loadScenario, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';

/**
 * Debian's Chromium (`apt-get install chromium`, done by .ci/run); a test tool's own browser download is not used.
 * Playwright gives it a fresh temporary profile.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = process.env.M365_HEALTH_SCREENSHOT;

let simulator: Simulator;
let server: StatusServer;
let browser: Browser | undefined;

before(async () => {
  simulator = await startSimulator({
    scenario: await loadScenario(new URL('../../config/scenarios/test-basic.yaml', import.meta.url)),
  });
  const scenario = simulator.scenario;
  const config = buildDemoConfig({
    simulatorUrl: simulator.url,
    scenario,
    intervalMs: 60_000,
    statusPort: 0,
    exporter: CLOSED_PORT_EXPORTER,
  });
  const telemetry = createTelemetrySdk({
    exporter: undefined,
    serviceName: 'm365-health',
    serviceVersion: 'test',
    resource: {},
  });
  const { agent } = await buildAgent(config, { telemetry, log: SILENT_LOG });
  simulator.openIssue('contoso', {
    id: 'TM4242',
    service: 'microsoftteams',
    classification: 'incident',
    status: 'serviceInterruption',
    title: 'Calls drop',
  });
  await agent.pollAll();
  server = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    observations: () => agent.observations(),
    clock: Date.now,
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await simulator?.close();
});

test(
  'the status page shows the tenant × service grid coloured by health and the open issues',
  { skip: !existsSync(CHROMIUM) && !process.env.CI && 'Chromium is not installed (apt-get install chromium)' },
  async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1100, height: 520 } });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('td.cell');
    const cell = (service: string) =>
      page.getAttribute(`td.cell[data-tenant="contoso"][data-service="${service}"]`, 'data-health');
    assert.equal(await cell('microsoftteams'), '2', 'an interruption is critical');
    assert.equal(await cell('Exchange'), '1', 'an advisory alone warns');
    assert.equal(await cell('SharePoint'), '0');
    const colour = await page.evaluate(
      `getComputedStyle(document.querySelector('td.cell[data-service="microsoftteams"]')).backgroundColor`,
    );
    assert.equal(colour, 'rgb(198, 40, 40)');
    const issues = await page.locator('#issues li').allTextContents();
    assert.ok(
      issues.some((text) => text.includes('TM4242') && text.includes('Calls drop')),
      issues.join('\n'),
    );
    assert.match((await page.textContent('#updated')) ?? '', /1 tenant/);
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
  },
);
