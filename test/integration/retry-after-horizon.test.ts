import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Timers } from '../../src/agent/schedule.ts';
import { buildAgent } from '../../src/agent/build-agent.ts';
import { buildDemoConfig } from '../../src/cli/demo/demo-config.ts';
import type { TenantConfig } from '../../src/config/types.ts';
import { MAX_RETRY_AFTER_MS } from '../../src/shared/retry-after.ts';
import type { Log } from '../../src/log.ts';
import { loadDefaultScenario, startSimulator } from '../../src/simulator/index.ts';
import { createTelemetrySdk } from '../../src/telemetry/sdk.ts';
import { MAX_TIMER_DELAY_MS } from '../../src/shared/timer-delay.ts';
import { serveLogin, startHostileServer, throttle } from '../helpers/hostile-server.ts';
import { CLOSED_PORT_EXPORTER } from '../helpers/closed-port-exporter.ts';

const HEALTH = '/v1.0/admin/serviceAnnouncement/healthOverviews';
const HOSTILE_TENANT = '99999999-9999-4999-8999-999999999999';
const INTERVAL_MS = 5 * 60_000;

/** Timers that fire only when the test says, on a clock that jumps to each timer's instant; every delay asked is kept. */
function drivenTimers(start: number) {
  let now = start;
  let next = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const asked: number[] = [];
  const timers: Timers = {
    now: () => now,
    setTimeout(callback, ms) {
      asked.push(ms);
      pending.set(++next, { at: now + ms, callback });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  /** Fires the earliest timer, moving the clock to its instant; undefined once past `until`. */
  const fireNext = (until: number): boolean => {
    const [handle, timer] = [...pending].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (handle === undefined || timer.at > until) return false;
    pending.delete(handle);
    now = Math.max(now, timer.at);
    timer.callback();
    return true;
  };
  return { timers, asked, fireNext, now: () => now };
}

/**
 * A tenant whose Graph answers 429 with an absurd `Retry-After`, beside a tenant on the simulator: the agent runs on
 * a driven clock for `hours`, one poll at a time, and the requests are counted at the servers.
 */
async function runThrottled(retryAfter: (now: number) => string, hours: number) {
  const hostile = await startHostileServer();
  const simulator = await startSimulator({ scenario: await loadDefaultScenario() });
  try {
    serveLogin(hostile, HOSTILE_TENANT);
    const start = Date.now();
    hostile.route(HEALTH, throttle(retryAfter(start)));
    const base = buildDemoConfig({
      simulatorUrl: simulator.url,
      scenario: simulator.scenario,
      intervalMs: INTERVAL_MS,
      statusPort: 0,
      exporter: CLOSED_PORT_EXPORTER,
    });
    const fabrikam = base.tenants.find((tenant) => tenant.name === 'fabrikam')!;
    const throttled: TenantConfig = {
      ...fabrikam,
      name: 'throttled',
      tenantId: HOSTILE_TENANT,
      endpoints: { login: hostile.url, graph: hostile.url },
    };
    const config = { ...base, tenants: [throttled, fabrikam] };
    const lines: string[] = [];
    const log: Log = {
      debug() {},
      info() {},
      warn: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields)}`),
      error() {},
    };
    const driven = drivenTimers(start);
    const ended: string[] = [];
    let wake: (() => void) | undefined;
    const telemetry = createTelemetrySdk({
      exporter: undefined,
      serviceName: 'm365-health',
      serviceVersion: 'test',
      resource: {},
    });
    const { agent } = await buildAgent(config, {
      telemetry,
      log,
      timers: driven.timers,
      random: () => 0.5,
      onPollEnd: (tenant) => {
        ended.push(tenant.name);
        wake?.();
      },
    });
    agent.start();
    // A minute past the last hour: the first poll starts half a second in (spread start).
    const until = start + hours * 3_600_000 + 60_000;
    for (let polls = 1; driven.fireNext(until); polls++) {
      // Each fired timer starts one poll: the next is fired only once it has ended and scheduled its successor.
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (ended.length >= polls) resolve();
      });
    }
    await agent.stop();
    const outcomeOf = (name: string) => agent.observations().find((o) => o.tenant.name === name)!.outcome;
    const throttledOutcome = outcomeOf('throttled');
    return {
      graphRequests: hostile.hits(HEALTH).length,
      fabrikamRequests: simulator.requests.filter((r) => r.path.startsWith(HEALTH) && r.status === 200).length,
      throttledPolls: ended.filter((name) => name === 'throttled').length,
      fabrikamPolls: ended.filter((name) => name === 'fabrikam').length,
      asked: driven.asked,
      lines,
      error: throttledOutcome?.ok === false ? throttledOutcome.error : undefined,
      fabrikamOk: outcomeOf('fabrikam')?.ok,
    };
  } finally {
    await simulator.close();
    await hostile.close();
  }
}

describe('a Retry-After beyond the horizon: capped at an hour, said once per poll, never a tight loop', () => {
  let seconds: Awaited<ReturnType<typeof runThrottled>>;
  let date: Awaited<ReturnType<typeof runThrottled>>;
  before(async () => {
    seconds = await runThrottled(() => '3000000', 2);
    date = await runThrottled((now) => new Date(now + 400 * 86_400_000).toUTCString(), 2);
  });

  test('Retry-After: 3000000 (34 days): one request per poll, the next poll an hour later', () => {
    // Polls at 0 (spread start), 1 h and 2 h of driven time: three requests in all, not 200 a minute.
    assert.equal(seconds.throttledPolls, 3);
    assert.equal(seconds.graphRequests, 3);
    assert.ok(seconds.asked.includes(MAX_RETRY_AFTER_MS), `delays asked: ${seconds.asked.join(', ')}`);
    assert.ok(seconds.asked.every((ms) => ms <= MAX_TIMER_DELAY_MS));
    assert.equal(seconds.error?.code, 'GRAPH_THROTTLED');
    assert.equal(
      seconds.error?.message,
      'still throttled (HTTP 429) at the deadline: Graph asked to wait 3000000 s, more than the 3600 s obeyed at most: waiting 3600 s',
    );
    assert.equal(seconds.error?.retryAfter, 3600);
  });

  test('the cap is in the log once per throttled poll, and nowhere else', () => {
    const capped = seconds.lines.filter((line) => line.includes('more than the 3600 s obeyed at most'));
    assert.equal(capped.length, seconds.throttledPolls);
    assert.equal(seconds.lines.length, seconds.throttledPolls, seconds.lines.join('\n'));
  });

  test('an HTTP date 400 days ahead: the same bound', () => {
    assert.equal(date.throttledPolls, 3);
    assert.equal(date.graphRequests, 3);
    assert.match(
      date.error?.message ?? '',
      /^still throttled \(HTTP 429\) at the deadline: Graph asked to wait 345\d{5} s, more than the 3600 s obeyed at most: waiting 3600 s$/,
    );
    assert.equal(date.lines.length, date.throttledPolls);
  });

  test('the other tenant keeps its five-minute cadence throughout', () => {
    for (const run of [seconds, date]) {
      assert.ok(run.fabrikamPolls >= 24, `fabrikam polled ${run.fabrikamPolls} times in 2 h`);
      assert.equal(run.fabrikamRequests, run.fabrikamPolls);
      assert.equal(run.fabrikamOk, true);
    }
  });
});
