import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { LogRecord } from '@opentelemetry/api';
import { createFleet } from '../../../src/agent/fleet.ts';
import { createFleetStateStore, FLEET_FILE } from '../../../src/agent/state-store.ts';
import type { Ledger } from '../../../src/agent/tenant-ledger.ts';
import type { ServiceView } from '../../../src/health/evaluate.ts';
import type { FleetIssueUpdate, FleetMemory } from '../../../src/health/fleet-issues.ts';
import type { TenantMemory } from '../../../src/health/memory.ts';
import type { Observation } from '../../../src/observation/observation.ts';
import { makeIssue } from '../../helpers/make-services.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';

const EX1 = makeIssue({ id: 'EX1', lastModifiedDateTime: '2026-12-01T09:00:00Z' });

function views(...issues: (typeof EX1)[]): ServiceView[] {
  return [
    {
      id: 'Exchange',
      name: 'Exchange Online',
      status: 'serviceDegradation',
      rawStatus: '',
      health: 2,
      openIssues: issues,
      features: [],
    },
  ];
}

const observed = (name: string, shown: readonly ServiceView[]) =>
  ({ tenant: { name }, views: shown }) as unknown as Observation;

const memoryShowing = (...ids: string[]): TenantMemory => ({
  baselineAt: 1,
  statusSequence: 0,
  issueSequence: 0,
  messageSequence: 0,
  polledAt: 1,
  services: {},
  issues: Object.fromEntries(
    ids.map((id) => [
      id,
      {
        lastModified: '2026-12-01T09:00:00Z',
        status: 'serviceDegradation',
        classification: 'incident',
        isResolved: false,
      },
    ]),
  ),
});

/** A fleet over a ledger that keeps its commits: the memory written last, and the updates in order. */
function startFleet(saved?: FleetMemory) {
  const updates: string[] = [];
  let written: FleetMemory | undefined;
  const ledger: Ledger<FleetMemory> = {
    restore: (_key, state) => state?.memory,
    async commit(_key, memory, records) {
      written = memory;
      updates.push(...records.map((record) => String(record.body)));
    },
    settled: async () => undefined,
  };
  const record = (update: FleetIssueUpdate): LogRecord => ({
    body: `${update.issueId} ${update.update} ${update.tenants} first=${update.issue.firstTenant}`,
  });
  const fleet = createFleet({ ledger, saved: saved && { memory: saved, outbox: [] }, clock: () => 5_000, record });
  return { fleet, updates, written: () => written };
}

describe('the fleet of an agent', () => {
  test('tenants removed by a reload stop counting: the last one resolves the issue', async () => {
    const { fleet, updates } = startFleet();
    fleet.restoreTenant('a', memoryShowing());
    fleet.restoreTenant('b', memoryShowing());
    fleet.begin();
    await fleet.observe(observed('a', views(EX1)));
    await fleet.observe(observed('b', views(EX1)));
    fleet.forget(['a']);
    assert.deepEqual(updates, ['EX1 opened 1 first=a']);
    fleet.forget(['b', 'never-known']);
    assert.deepEqual(updates, ['EX1 opened 1 first=a', 'EX1 resolved 0 first=a']);
  });

  test('the same views again are no step: nothing is compared, nothing committed', async () => {
    const { fleet, updates, written } = startFleet();
    fleet.restoreTenant('a', memoryShowing());
    fleet.begin();
    const shown = views(EX1);
    await fleet.observe(observed('a', shown));
    const after = written();
    await fleet.observe(observed('a', shown));
    assert.equal(written(), after);
    assert.equal(updates.length, 1);
  });

  test('a fleet without memory begins from its tenants’ memories without an event', async () => {
    const { fleet, updates, written } = startFleet();
    fleet.restoreTenant('a', memoryShowing('EX1'));
    fleet.restoreTenant('b', memoryShowing('EX1'));
    fleet.begin();
    assert.deepEqual(Object.keys(written()!.issues), ['EX1']);
    await fleet.observe(observed('a', views(EX1)));
    await fleet.observe(observed('b', views()));
    await fleet.observe(observed('a', views()));
    assert.deepEqual(updates, ['EX1 resolved 0 first=a']);
  });

  test('a tenant’s first poll ever is its baseline; its next ones are news', async () => {
    const { fleet, updates } = startFleet();
    fleet.restoreTenant('new', undefined);
    fleet.begin();
    await fleet.observe(observed('new', views(EX1)));
    assert.deepEqual(updates, []);
    await fleet.observe(observed('new', views(EX1, makeIssue({ id: 'EX2' }))));
    assert.deepEqual(updates, ['EX2 opened 1 first=new']);
  });

  test('after a restart: what no tenant shows any more resolves; what the fleet missed opens at the next poll', async () => {
    const remembered = startFleet();
    remembered.fleet.restoreTenant('a', memoryShowing());
    remembered.fleet.begin();
    await remembered.fleet.observe(observed('a', views(EX1)));
    const saved = remembered.written()!;

    const { fleet, updates } = startFleet(saved);
    fleet.restoreTenant('a', memoryShowing('EX2'));
    fleet.begin();
    assert.deepEqual(updates, ['EX1 resolved 0 first=a']);
    await fleet.observe(observed('a', views(makeIssue({ id: 'EX2' }))));
    assert.deepEqual(updates.slice(1), ['EX2 opened 1 first=a']);
  });
});

describe('the fleet state file', () => {
  test('keeps the memory and the outbox; a corrupt file is set aside and is no state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'm365-fleet-state-'));
    try {
      const log = createCaptureLog();
      const store = createFleetStateStore(dir, log, () => 42);
      assert.equal(await store.load('@fleet'), undefined);
      const memory: FleetMemory = {
        baselineAt: 1,
        sequence: 2,
        issues: {
          EX1: {
            title: 'Mail delayed',
            lastModified: '2026-12-01T09:00:00Z',
            status: 'serviceDegradation',
            classification: 'incident',
            services: ['Exchange Online'],
            firstTenant: 'a',
            firstSeenAt: 3,
            reach: 1,
          },
        },
      };
      await store.save('@fleet', memory, [{ n: 1 }]);
      assert.deepEqual(await store.load('@fleet'), { memory, outbox: [{ n: 1 }] });

      await writeFile(join(dir, FLEET_FILE), '{"version":1,"baselineAt":1,"sequence":-1,"issues":{}}');
      assert.equal(await store.load('@fleet'), undefined);
      assert.deepEqual(await readdir(dir), [`${FLEET_FILE}.corrupt-42`]);
      assert.deepEqual(
        log.lines.map((line) => line.message),
        ['fleet state file corrupt, set aside'],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
